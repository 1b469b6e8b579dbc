import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';

/**
 * Which peers may say who the client is through `X-Forwarded-For`: nobody (the default; the
 * peer is the client), the first N hops, or a list of addresses and CIDR ranges (names such
 * as `loopback` and `uniquelocal` included) as `proxy-addr` understands them.
 */
export type TrustProxy = false | number | string[];

/** Parses `ROUNDTABLE_TRUST_PROXY`: empty or `false` trusts no proxy; a number trusts that many hops. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  // proxy-addr throws on an entry it cannot read; better at start-up than on the first request.
  proxyaddr.compile(list);
  return list;
}

/** The trust function Express's `trust proxy` setting and the socket handshake both use. */
export function compileTrust(trust: TrustProxy): (addr: string, i: number) => boolean {
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_addr, i) => i < trust;
  return proxyaddr.compile(trust);
}

/** The client's address for a request or a socket handshake, honouring only trusted proxies. */
export function clientAddress(req: IncomingMessage, trust: (addr: string, i: number) => boolean): string {
  return proxyaddr(req as Parameters<typeof proxyaddr>[0], trust);
}

/**
 * The network a person is reached from: an IPv4 address itself, an IPv6 address's /64 (one
 * subscriber gets a whole /64, so each address in it is no new person). IPv4-mapped IPv6 is
 * read as the IPv4 address.
 */
export function networkOf(address: string): string {
  if (!ipaddr.isValid(address)) return 'unknown';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

/**
 * A keyed hash of a client's network, for rate limits and "many identities from one network":
 * the address is never stored, and without the secret the key cannot be turned back into it
 * by trying all 2^32 IPv4 addresses.
 */
export function networkKeyer(secret: string): (address: string) => string {
  return (address) => createHmac('sha256', secret).update(`address:${networkOf(address)}`).digest('base64url').slice(0, 22);
}
