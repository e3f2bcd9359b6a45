/**
 * @module
 * IP allowlists: IPv4 and IPv6 CIDRs (a bare address is a /32 or /128). IPv4-mapped IPv6
 * addresses (`::ffff:10.0.0.1`, what a dual-stack socket reports) match IPv4 ranges. IPv4 is
 * written in dotted-decimal form.
 */
import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
export interface CompiledAllowlist {
  readonly ranges: readonly Range[];
}

function normalise(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

/**
 * ipaddr.js also reads shorthand, octal and hex IPv4 (`10.1`, `010.0.0.1` = 8.0.0.1,
 * `0x0a.0.0.1`); other tools read those differently, so an allowlist entry in such a form could
 * admit a network its author did not mean. IPv4 is accepted in dotted-decimal form only.
 */
function ambiguousIpv4(address: string): boolean {
  return !address.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(address);
}

function parseRange(entry: string): Range | null {
  if (ambiguousIpv4(entry.split('/')[0] as string)) return null;
  try {
    if (entry.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(entry);
      const mapped = normalise(address) !== address;
      // An IPv4-mapped range shorter than the mapping prefix covers more than IPv4: not meaningful.
      if (mapped && bits < 96) return null;
      return [normalise(address), mapped ? bits - 96 : bits];
    }
    const address = normalise(ipaddr.parse(entry));
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

/** Entries that are not an address or CIDR, for a clear INVALID_FIELD. */
export function invalidCidrs(entries: readonly string[]): string[] {
  return entries.filter((e) => typeof e !== 'string' || parseRange(e) === null);
}

export function compileAllowlist(entries: readonly string[]): CompiledAllowlist {
  return { ranges: entries.map(parseRange).filter((r): r is Range => r !== null) };
}

/**
 * The last client address parsed. Requests from one client come in runs, and parsing an address is
 * most of the cost of an allowlist check; this memo of a pure function keeps it to one parse per run.
 */
let lastClient: { readonly text: string; readonly address: ipaddr.IPv4 | ipaddr.IPv6 | null } = { text: '', address: null };

function parseClient(clientIp: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (lastClient.text !== clientIp) {
    let address: ipaddr.IPv4 | ipaddr.IPv6 | null = null;
    try {
      address = normalise(ipaddr.parse(clientIp));
    } catch {
      address = null;
    }
    lastClient = { text: clientIp, address };
  }
  return lastClient.address;
}

export function allowlistAdmits(list: CompiledAllowlist, clientIp: string | null): boolean {
  const address = clientIp === null ? null : parseClient(clientIp);
  if (address === null) return false;
  return list.ranges.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits));
}

/**
 * Whether every range of `entries` lies inside some range of `outer`: a token confined to some
 * networks may only hand out tokens confined to (parts of) the same networks. `null` (anywhere)
 * fits only inside no restriction at all.
 */
export function allowlistWithin(entries: readonly string[] | null, outer: CompiledAllowlist | null): boolean {
  if (outer === null) return true;
  if (entries === null) return false;
  return compileAllowlist(entries).ranges.every(([address, bits]) =>
    outer.ranges.some(([range, outerBits]) => address.kind() === range.kind() && bits >= outerBits && address.match(range, outerBits)),
  );
}
