import ipaddr from 'ipaddr.js';

/**
 * Why a string is not a usable CIDR, or undefined when it is one. IPv4 must be written as
 * four decimal parts: ipaddr.js also accepts forms such as `10/8`, which it reads as
 * 0.0.0.10/8, a network nobody means.
 */
export function cidrProblem(cidr: string): string | undefined {
  const s = cidr.trim();
  if (!s.includes('/')) {
    return ipaddr.isValid(s)
      ? `"${cidr}" is an address, not a network; write ${s}${s.includes(':') ? '/128' : '/32'} for that single address`
      : `"${cidr}" is not a CIDR such as 10.0.0.0/8 or fd00::/8`;
  }
  if (s.includes(':')) {
    if (s.includes('%')) return `"${cidr}": zone ids (%eth0) are not allowed in a CIDR`;
    return ipaddr.IPv6.isValidCIDR(s) ? undefined : `"${cidr}" is not a valid IPv6 CIDR (prefix 0-128), e.g. fd00::/8`;
  }
  return ipaddr.IPv4.isValidCIDRFourPartDecimal(s) ? undefined : `"${cidr}" is not a valid IPv4 CIDR (four decimal parts, prefix 0-32), e.g. 10.0.0.0/8`;
}
