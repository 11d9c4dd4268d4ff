import { BlockList, isIPv6 } from 'node:net';
import type { Rng } from '../random/rng.js';

/**
 * An address range a client fetches from: an IPv4 CIDR (`66.249.80.0/20`) or
 * an IPv6 prefix on a group boundary (`2a00:1450:4864::/48`).
 */
export type Network = string;

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** A host address in `network` (never its network or broadcast address). */
export function addressIn(network: Network, rng: Rng): string {
  const [base, bitsText] = network.split('/') as [string, string];
  const bits = Number(bitsText);
  if (!isIPv6(base)) {
    const size = 2 ** (32 - bits);
    const start = ipv4ToInt(base);
    return intToIpv4(start + rng.int(1, size - 2));
  }
  // Fixed groups from the prefix, random ones after; the interface id is
  // written the way hosts print it (no leading zeros, `::` never needed).
  const fixed = base
    .replace(/::$/, '')
    .split(':')
    .slice(0, bits / 16);
  const groups = [...fixed];
  while (groups.length < 8) groups.push(rng.int(groups.length < 4 ? 0 : 1, 0xffff).toString(16));
  return groups.join(':');
}

/** Whether `ip` is in any of `networks` (node's BlockList does the matching). */
export function networkMatcher(networks: readonly Network[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const network of networks) {
    const [base, bits] = network.split('/') as [string, string];
    list.addSubnet(base, Number(bits), isIPv6(base) ? 'ipv6' : 'ipv4');
  }
  return (ip) => {
    try {
      return list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
    } catch {
      return false; // not an address at all
    }
  };
}
