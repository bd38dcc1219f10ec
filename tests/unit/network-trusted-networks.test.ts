import { invalidCidrs, isTrusted, parseAddress, parseCidr } from '../../lib/network/trusted-networks';

describe('isTrusted', () => {
  it.each([
    ['192.0.2.10', ['192.0.2.0/24'], true],
    ['192.0.3.10', ['192.0.2.0/24'], false],
    ['10.255.255.255', ['10.0.0.0/8'], true],
    ['11.0.0.0', ['10.0.0.0/8'], false],
    ['127.0.0.1', ['127.0.0.1'], true],
    ['127.0.0.2', ['127.0.0.1'], false],
    ['203.0.113.5', ['0.0.0.0/0'], true],
    ['192.0.2.10', ['10.0.0.0/8', '192.0.2.0/28'], true],
    ['192.0.2.100', ['10.0.0.0/8', '192.0.2.0/28'], false],
  ])('IPv4 %s in %j → %s', (address, cidrs, expected) => {
    expect(isTrusted(address, cidrs)).toBe(expected);
  });

  it.each([
    ['2001:db8::1', ['2001:db8::/32'], true],
    ['2001:db9::1', ['2001:db8::/32'], false],
    ['::1', ['::1/128'], true],
    ['::1', ['::1'], true],
    ['fe80::1%eth0', ['fe80::/10'], true],
    ['2001:DB8:0:0:0:0:0:1', ['2001:db8::1/128'], true],
  ])('IPv6 %s in %j → %s', (address, cidrs, expected) => {
    expect(isTrusted(address, cidrs)).toBe(expected);
  });

  it('treats IPv4-mapped IPv6 addresses as IPv4, whichever way the range is written', () => {
    expect(isTrusted('::ffff:192.0.2.10', ['192.0.2.0/24'])).toBe(true);
    expect(isTrusted('::ffff:192.0.3.10', ['192.0.2.0/24'])).toBe(false);
    expect(isTrusted('192.0.2.10', ['::ffff:192.0.2.0/120'])).toBe(true);
    expect(isTrusted('::ffff:192.0.2.10', ['::ffff:192.0.2.0/120'])).toBe(true);
    expect(isTrusted('192.0.3.10', ['::ffff:192.0.2.0/120'])).toBe(false);
  });

  it('never mixes families', () => {
    expect(isTrusted('2001:db8::1', ['0.0.0.0/0'])).toBe(false);
    expect(isTrusted('192.0.2.1', ['::/0'])).toBe(false);
  });

  it('fails closed on garbage', () => {
    expect(isTrusted('not-an-ip', ['0.0.0.0/0'])).toBe(false);
    expect(isTrusted('', ['0.0.0.0/0'])).toBe(false);
    expect(isTrusted('127.1', ['127.0.0.0/8'])).toBe(false);
    expect(isTrusted('0x7f.0.0.1', ['127.0.0.0/8'])).toBe(false);
    expect(isTrusted('192.0.2.1', ['192.0.2.0/33', 'bogus'])).toBe(false);
    expect(isTrusted('192.0.2.1', [])).toBe(false);
  });
});

describe('parseCidr / invalidCidrs', () => {
  it('reads bare addresses as single hosts', () => {
    expect(parseCidr('192.0.2.1')?.[1]).toBe(32);
    expect(parseCidr('::1')?.[1]).toBe(128);
  });

  it('lists the invalid entries for settings validation', () => {
    expect(invalidCidrs(['10.0.0.0/8', '10.0.0.0/33', 'fe80::/129', 'x', '1.2.3.4/8/9', '1.2.3.4/-1', '::/0'])).toEqual([
      '10.0.0.0/33', 'fe80::/129', 'x', '1.2.3.4/8/9', '1.2.3.4/-1',
    ]);
  });

  it('parseAddress converts mapped addresses', () => {
    expect(parseAddress('::ffff:10.0.0.1')?.toString()).toBe('10.0.0.1');
    expect(parseAddress('1.2.3')).toBeNull();
  });
});
