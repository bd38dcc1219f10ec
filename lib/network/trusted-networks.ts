import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/**
 * A strictly written address: dotted-quad IPv4 or IPv6 (a zone such as `%eth0` allowed),
 * never the inet_aton shorthands (`127.1`, `0x7f.1`) ipaddr.js would also accept. IPv4
 * mapped into IPv6 (`::ffff:10.0.0.1`, how dual-stack sockets report IPv4 peers) is
 * turned into plain IPv4 so one list of v4 CIDRs covers both.
 */
export function parseAddress(text: string): Address | null {
  const value = text.trim();
  try {
    if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value);
    if (ipaddr.IPv6.isValid(value)) return ipaddr.process(value);
  } catch {
    return null;
  }
  return null;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (one host). Null when invalid. */
export function parseCidr(text: string): Range | null {
  const [addressText, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return null;
  const address = parseAddress(addressText);
  if (address === null) return null;
  const max = address.kind() === 'ipv4' ? 32 : 128;
  // A mapped range written in IPv6 (`::ffff:10.0.0.0/104`) is parsed as IPv4, its prefix shifted by 96.
  const mappedShift = address.kind() === 'ipv4' && ipaddr.IPv6.isValid(addressText.trim()) ? 96 : 0;
  if (prefixText === undefined) return [address, max];
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText) - mappedShift;
  if (prefix < 0 || prefix > max) return null;
  return [address, prefix];
}

/** The entries of a `trustedNetworks`/`trustProxy` list that are not valid CIDRs (for settings validation). */
export function invalidCidrs(cidrs: readonly string[]): string[] {
  return cidrs.filter((c) => parseCidr(c) === null);
}

/**
 * Whether `address` lies in one of `cidrs`. Fails closed: an unparsable address is never
 * trusted, and an invalid CIDR (which settings validation rejects first) matches nothing.
 */
export function isTrusted(address: string, cidrs: readonly string[]): boolean {
  const parsed = parseAddress(address);
  if (parsed === null) return false;
  return cidrs.some((cidr) => {
    const range = parseCidr(cidr);
    return range !== null && range[0].kind() === parsed.kind() && parsed.match(range);
  });
}
