import type { Result } from '../../../shared/errors.js';
import type { GuestJoinBody, LoginBody, Me, RegisterBody } from '../../../shared/session.js';
import { api } from './api.js';

/** Who is using this tab. The session itself is an HttpOnly cookie the server sets. */
export class SessionState {
  me = $state<Me | null>(null);
  /** False until the first GET /api/session has answered (or failed). */
  loaded = $state(false);
  loadError = $state(false);

  async load(): Promise<void> {
    const result = await api.session();
    if (result.ok) this.me = result.data;
    this.loadError = !result.ok;
    this.loaded = true;
  }

  join(body: GuestJoinBody): Promise<Result<Me>> {
    return this.#start(api.joinAsGuest(body));
  }

  login(body: LoginBody): Promise<Result<Me>> {
    return this.#start(api.login(body));
  }

  register(body: RegisterBody): Promise<Result<Me>> {
    return this.#start(api.register(body));
  }

  async logout(): Promise<Result<unknown>> {
    const result = await api.logout();
    if (result.ok) this.me = null;
    return result;
  }

  /** Signs out on every device this person is signed in on (a lost phone, a shared computer). */
  async logoutEverywhere(): Promise<Result<unknown>> {
    const result = await api.logoutEverywhere();
    if (result.ok) this.me = null;
    return result;
  }

  /** The server refused the socket handshake: the cookie expired or was revoked. */
  forget(): void {
    this.me = null;
  }

  async #start(request: Promise<Result<Me>>): Promise<Result<Me>> {
    const result = await request;
    if (result.ok) {
      this.me = result.data;
      this.loaded = true;
    }
    return result;
  }
}
