// A small history-API router: the server answers every non-API path with index.html, so the
// path in the address bar is the whole routing state.

export type Route =
  | { name: 'home' }
  | { name: 'townhall'; id: string }
  | { name: 'townhall-edit'; id: string }
  | { name: 'present'; id: string }
  | { name: 'record'; id: string }
  | { name: 'schedule' }
  | { name: 'signin' }
  | { name: 'register' }
  | { name: 'admin' }
  | { name: 'forum' }
  | { name: 'forum-category'; id: string }
  | { name: 'forum-thread'; id: string }
  | { name: 'moderate' }
  | { name: 'notices' }
  | { name: 'followups' }
  | { name: 'commitments' }
  | { name: 'mail-link'; action: 'confirm' | 'unsubscribe' }
  | { name: 'accountability' }
  | { name: 'not-found' };

export function matchRoute(path: string): Route {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (clean === '/') return { name: 'home' };
  if (clean === '/signin') return { name: 'signin' };
  if (clean === '/register') return { name: 'register' };
  if (clean === '/admin') return { name: 'admin' };
  if (clean === '/forum') return { name: 'forum' };
  if (clean === '/moderate') return { name: 'moderate' };
  if (clean === '/notices') return { name: 'notices' };
  if (clean === '/mail/confirm' || clean === '/mail/unsubscribe') return { name: 'mail-link', action: clean === '/mail/confirm' ? 'confirm' : 'unsubscribe' };
  if (clean === '/schedule') return { name: 'schedule' };
  if (clean === '/followups') return { name: 'followups' };
  if (clean === '/commitments') return { name: 'commitments' };
  if (clean === '/accountability') return { name: 'accountability' };
  const forum = /^\/forum\/(c|t)\/([^/]+)$/.exec(clean);
  if (forum?.[2]) {
    try {
      return { name: forum[1] === 'c' ? 'forum-category' : 'forum-thread', id: decodeURIComponent(forum[2]) };
    } catch {
      return { name: 'not-found' };
    }
  }
  // The public record of an ended town hall (either spelling of the town hall part is fine).
  const record = /^\/townhalls?\/([^/]+)\/record$/.exec(clean);
  if (record?.[1]) {
    try {
      return { name: 'record', id: decodeURIComponent(record[1]) };
    } catch {
      return { name: 'not-found' };
    }
  }
  // The presenter screen for the hall's projector (its hosts only; the page says so to anyone else).
  const present = /^\/townhall\/([^/]+)\/present$/.exec(clean);
  if (present?.[1]) {
    try {
      return { name: 'present', id: decodeURIComponent(present[1]) };
    } catch {
      return { name: 'not-found' };
    }
  }
  const townHall = /^\/townhall\/([^/]+)(\/edit)?$/.exec(clean);
  if (townHall?.[1]) {
    try {
      return { name: townHall[2] ? 'townhall-edit' : 'townhall', id: decodeURIComponent(townHall[1]) };
    } catch {
      return { name: 'not-found' };
    }
  }
  return { name: 'not-found' };
}

/** Only paths on this site are followed after signing in, so a crafted link cannot send people elsewhere. */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

export function withNext(path: string, next: string): string {
  return `${path}?next=${encodeURIComponent(next)}`;
}

export class Router {
  path = $state(location.pathname);
  search = $state(location.search);
  /** How many in-app navigations happened; the first page load does not move focus. */
  navigations = $state(0);

  readonly route: Route = $derived(matchRoute(this.path));
  readonly query: URLSearchParams = $derived(new URLSearchParams(this.search));

  /** Current path and query, as a `next` value for links that should bring the person back. */
  get here(): string {
    return this.path + this.search;
  }

  start(): () => void {
    const onPopState = () => this.#sync(true);
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
        return;
      }
      const anchor = (event.target as Element | null)?.closest?.('a');
      if (!anchor || !anchor.href || anchor.hasAttribute('download') || anchor.target === '_blank') return;
      if (anchor.getAttribute('rel')?.includes('external')) return;
      const url = new URL(anchor.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
      // A link to a fragment of the current page (the skip link) keeps the browser's behaviour.
      if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
      event.preventDefault();
      this.navigate(url.pathname + url.search + url.hash);
    };
    window.addEventListener('popstate', onPopState);
    document.addEventListener('click', onClick);
    return () => {
      window.removeEventListener('popstate', onPopState);
      document.removeEventListener('click', onClick);
    };
  }

  navigate(href: string, options: { replace?: boolean } = {}): void {
    if (href === this.here && !options.replace) return;
    if (options.replace) history.replaceState(null, '', href);
    else history.pushState(null, '', href);
    this.#sync(true);
    if (!options.replace) window.scrollTo(0, 0);
  }

  #sync(counted: boolean): void {
    this.path = location.pathname;
    this.search = location.search;
    if (counted) this.navigations++;
  }
}
