import type { ConnectionState } from './connection.svelte.js';
import type { SessionState } from './session.svelte.js';

/**
 * Forum pages read over HTTP and need the socket only to write and to hear new posts, so they
 * connect once someone has joined or signed in, for as long as the page is open.
 */
export function connectWhileSignedIn(session: SessionState, connection: ConnectionState): void {
  $effect(() => {
    const id = session.me?.id;
    if (!id) return;
    return connection.hold(id);
  });
}
