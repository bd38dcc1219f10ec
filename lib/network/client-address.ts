import { isTrusted, parseAddress } from './trusted-networks';

/** false = ignore X-Forwarded-For; N = N proxies in front; list = the proxies' CIDRs. Never "trust everything". */
export type TrustProxy = false | number | string[];

/** Longest string kept from an untrusted X-Forwarded-For entry (it ends up in logs). */
const MAX_ENTRY = 64;

/**
 * The address a request comes from, as `trustedNetworks` and the deliveries log see it.
 * The chain is the X-Forwarded-For entries followed by the socket peer, read right to
 * left (the right end is what our own proxies appended; the left end is whatever the
 * client claimed), as Express's `trust proxy` does:
 * - false: the socket peer; X-Forwarded-For is ignored.
 * - N: the entry N hops left of the socket peer (N = 1: one proxy in front of us); when
 *   the chain is shorter, its leftmost entry.
 * - CIDR list: skip hops inside the list from the right; the first one outside is the client.
 * An entry that is not an IP address stops the walk and is returned (truncated) as is: it
 * matches no trusted network, so a forged header can only make a request less trusted.
 */
export function clientAddress(socketAddress: string, xForwardedFor: string | undefined, trustProxy: TrustProxy): string {
  const socket = tidy(socketAddress);
  if (trustProxy === false || trustProxy === 0 || xForwardedFor === undefined) return socket;
  const forwarded = xForwardedFor
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const chain = [...forwarded.map(tidy), socket];
  if (typeof trustProxy === 'number') {
    const hops = Number.isInteger(trustProxy) && trustProxy > 0 ? trustProxy : 0;
    return chain[Math.max(0, chain.length - 1 - hops)];
  }
  let i = chain.length - 1;
  while (i > 0 && isTrusted(chain[i], trustProxy)) i--;
  return chain[i];
}

/** `::ffff:10.0.0.1` → `10.0.0.1`; non-addresses are only trimmed and capped. */
function tidy(entry: string): string {
  const parsed = parseAddress(entry);
  if (parsed !== null && parsed.kind() === 'ipv4') return parsed.toString();
  return entry.trim().slice(0, MAX_ENTRY);
}
