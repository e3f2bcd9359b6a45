import { describe, expect, it } from 'vitest';
import { allowlistAdmits, compileAllowlist, invalidCidrs } from './ip.ts';

const admits = (entries: string[], ip: string | null) => allowlistAdmits(compileAllowlist(entries), ip);

describe('allowlistAdmits', () => {
  const cases: Array<[string, string[], string | null, boolean]> = [
    ['IPv4 CIDR, inside', ['10.0.0.0/8'], '10.255.1.2', true],
    ['IPv4 CIDR, outside', ['10.0.0.0/8'], '11.0.0.1', false],
    ['IPv4 /32 edge', ['192.168.1.0/24'], '192.168.1.255', true],
    ['IPv4 /24 just outside', ['192.168.1.0/24'], '192.168.2.0', false],
    ['IPv4 /0 admits any IPv4', ['0.0.0.0/0'], '203.0.113.9', true],
    ['a bare IPv4 address is a /32', ['203.0.113.9'], '203.0.113.9', true],
    ['a bare IPv4 address admits nothing else', ['203.0.113.9'], '203.0.113.10', false],
    ['IPv6 CIDR, inside', ['2001:db8::/32'], '2001:db8:1::5', true],
    ['IPv6 CIDR, outside', ['2001:db8::/32'], '2001:db9::1', false],
    ['a bare IPv6 address is a /128', ['::1'], '::1', true],
    ['a bare IPv6 address admits nothing else', ['::1'], '::2', false],
    ['IPv6 spelled differently', ['2001:db8:0:0:0:0:0:1'], '2001:db8::1', true],
    ['an IPv4-mapped client matches an IPv4 range', ['10.0.0.0/8'], '::ffff:10.1.2.3', true],
    ['an IPv4-mapped client outside the range', ['10.0.0.0/8'], '::ffff:11.1.2.3', false],
    ['an IPv4-mapped range matches an IPv4 client', ['::ffff:10.0.0.0/104'], '10.9.8.7', true],
    ['an IPv4-mapped bare address matches an IPv4 client', ['::ffff:10.0.0.1'], '10.0.0.1', true],
    ['IPv4 ranges never match IPv6 clients', ['0.0.0.0/0'], '2001:db8::1', false],
    ['IPv6 ranges never match IPv4 clients', ['2001:db8::/32'], '10.0.0.1', false],
    ['any of several entries', ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'], '192.0.2.7', true],
    ['an empty list admits nobody', [], '10.0.0.1', false],
    ['an unknown client address is denied', ['0.0.0.0/0'], null, false],
    ['an invalid client address is denied', ['0.0.0.0/0'], 'not-an-ip', false],
    ['an empty client address is denied', ['0.0.0.0/0'], '', false],
    ['invalid entries are ignored, valid ones still apply', ['nonsense', '10.0.0.0/8'], '10.0.0.1', true],
  ];
  it.each(cases)('%s', (_name, entries, ip, expected) => {
    expect(admits(entries, ip)).toBe(expected);
  });
});

describe('invalidCidrs', () => {
  it('accepts addresses and CIDRs of both families', () => {
    expect(invalidCidrs(['10.0.0.0/8', '192.0.2.7', '::1', '2001:db8::/32', '::ffff:10.0.0.0/104', '0.0.0.0/0', '::/0'])).toEqual([]);
  });

  it.each([
    ['not an address', 'nonsense'],
    ['empty', ''],
    ['IPv4 prefix too long', '10.0.0.0/33'],
    ['IPv6 prefix too long', '2001:db8::/129'],
    ['negative prefix', '10.0.0.0/-1'],
    ['missing prefix', '10.0.0.0/'],
    ['octet out of range', '10.0.0.256'],
    ['surrounding space', ' 10.0.0.1'],
    ['a host name', 'localhost'],
    // Shorthand, octal and hex IPv4 forms are read differently by different tools ("010.0.0.1" is
    // 8.0.0.1 to some, 10.0.0.1 to others); an allowlist must mean one thing, so only the
    // dotted-decimal form is accepted.
    ['a leading zero (octal to some parsers)', '010.0.0.1'],
    ['hexadecimal', '0x0a.0.0.1'],
    ['a single number', '167772161'],
    ['two parts', '10.1'],
    ['a shorthand CIDR', '10/8'],
  ])('rejects %s (%j)', (_name, entry) => {
    expect(invalidCidrs([entry])).toEqual([entry]);
  });

  it('reports only the bad entries, in order', () => {
    expect(invalidCidrs(['10.0.0.0/8', 'bad', '::1', 'worse'])).toEqual(['bad', 'worse']);
  });
});
