import { TOO_MANY_CONNECTIONS } from '../../../shared/errors.js';
import { getSocket, setWatching } from './socket.js';

/** `crowded`: the server refused the handshake because this person or network holds too many connections. */
export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'crowded' | 'unauthenticated';

const RETRY_MS = [1_000, 2_000, 5_000, 10_000];
/** The key `use` keeps for a watcher's connection; no session id looks like it. */
const WATCHING = '(watching)';

/**
 * The socket's life as the interface shows it. Socket.IO reconnects by itself after network
 * failures; this adds the cases it leaves to the app: a handshake the server refused, and a
 * disconnect the server initiated.
 */
export class ConnectionState {
  status = $state<ConnectionStatus>('idle');
  #wanted = false;
  #sessionKey: string | null = null;
  #holders: { key: string }[] = [];
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(onUnauthenticated: () => void) {
    const socket = getSocket();
    socket.on('connect', () => {
      this.#attempt = 0;
      this.status = 'online';
    });
    socket.on('disconnect', (reason) => {
      if (!this.#wanted) {
        this.status = 'idle';
        return;
      }
      this.status = 'reconnecting';
      if (reason === 'io server disconnect') this.#retryLater();
    });
    socket.on('connect_error', (error) => {
      if (!this.#wanted) return;
      if (error.message === 'UNAUTHENTICATED') {
        this.#wanted = false;
        this.status = 'unauthenticated';
        onUnauthenticated();
        return;
      }
      // Too many tabs (or a crowded network): say so, and keep trying, since closing one frees a place.
      if (error.message === TOO_MANY_CONNECTIONS) this.status = 'crowded';
      else this.status = this.status === 'connecting' ? 'connecting' : 'reconnecting';
      // `active` is false when the server's middleware refused us: Socket.IO will not retry.
      if (!socket.active) this.#retryLater();
    });
  }

  /**
   * Keeps the socket connected as the given session, or as a watcher (null: a visitor with no
   * name yet: they see and hear, and do nothing else), until the returned release is called.
   * The app holds it for as long as someone has a session, so their notices arrive, and the
   * header counts them, on every page; a page that needs the socket holds it while it is open.
   * The newest holder's session is the one connected; the last release disconnects.
   */
  hold(sessionKey: string | null): () => void {
    const holder = { key: sessionKey ?? WATCHING };
    this.#holders.push(holder);
    this.#use(holder.key);
    return () => {
      const at = this.#holders.indexOf(holder);
      if (at === -1) return;
      this.#holders.splice(at, 1);
      const newest = this.#holders.at(-1);
      if (newest) this.#use(newest.key);
      else this.#stop();
    };
  }

  #start(): void {
    if (this.#wanted) return;
    this.#wanted = true;
    this.status = 'connecting';
    getSocket().connect();
  }

  #stop(): void {
    this.#wanted = false;
    clearTimeout(this.#timer);
    getSocket().disconnect();
    this.status = 'idle';
  }

  /**
   * A different session than the last handshake's needs a fresh handshake, because the server
   * reads the cookie only then.
   */
  #use(key: string): void {
    if (key !== this.#sessionKey) {
      this.#sessionKey = key;
      if (this.#wanted || getSocket().connected) this.#stop();
    }
    setWatching(key === WATCHING);
    this.#start();
  }

  #retryLater(): void {
    clearTimeout(this.#timer);
    const delay = RETRY_MS[Math.min(this.#attempt++, RETRY_MS.length - 1)] ?? 10_000;
    this.#timer = setTimeout(() => {
      if (this.#wanted) getSocket().connect();
    }, delay);
  }
}
