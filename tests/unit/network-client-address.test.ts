import { clientAddress } from '../../lib/network/client-address';

describe('clientAddress', () => {
  const xff = '198.51.100.7, 10.0.0.2';

  it('trustProxy false: the socket address, X-Forwarded-For ignored', () => {
    expect(clientAddress('10.0.0.1', xff, false)).toBe('10.0.0.1');
    expect(clientAddress('::ffff:10.0.0.1', undefined, false)).toBe('10.0.0.1');
  });

  it('trustProxy N: the entry N hops left of the socket peer', () => {
    expect(clientAddress('10.0.0.1', xff, 0)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', xff, 1)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.1', xff, 2)).toBe('198.51.100.7');
    // a chain shorter than the hop count gives its leftmost entry
    expect(clientAddress('10.0.0.1', xff, 5)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
  });

  it('trustProxy N: a client cannot skip the real proxy by prepending entries', () => {
    // One proxy in front; the client forged "127.0.0.1" before its real address.
    expect(clientAddress('10.0.0.1', '127.0.0.1, 198.51.100.7', 1)).toBe('198.51.100.7');
  });

  it('trustProxy CIDRs: walks right to left past trusted proxies', () => {
    const proxies = ['10.0.0.0/8'];
    expect(clientAddress('10.0.0.1', xff, proxies)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', '127.0.0.1, 198.51.100.7, 10.0.0.2', proxies)).toBe('198.51.100.7');
    // the socket peer itself is not a trusted proxy: X-Forwarded-For is not believed
    expect(clientAddress('203.0.113.1', xff, proxies)).toBe('203.0.113.1');
    // every hop trusted: the leftmost
    expect(clientAddress('10.0.0.1', '10.0.0.3, 10.0.0.2', proxies)).toBe('10.0.0.3');
  });

  it('trustProxy CIDRs: IPv6 and mapped proxies', () => {
    expect(clientAddress('::ffff:10.0.0.1', '2001:db8::7', ['10.0.0.0/8'])).toBe('2001:db8::7');
    expect(clientAddress('fd00::1', '198.51.100.7', ['fd00::/8'])).toBe('198.51.100.7');
  });

  it('a garbage entry stops the walk and is returned, so it matches no trusted network', () => {
    expect(clientAddress('10.0.0.1', 'evil, not-an-ip', ['10.0.0.0/8'])).toBe('not-an-ip');
    expect(clientAddress('10.0.0.1', 'x'.repeat(500), 1)).toHaveLength(64);
    expect(clientAddress('10.0.0.1', ' , ,', 1)).toBe('10.0.0.1');
  });
});
