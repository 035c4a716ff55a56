import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

/**
 * Server-side request forgery: a stream's destination must not be this machine, its private network,
 * link-local (cloud metadata) or otherwise special addresses, unless LOG_STREAM_ALLOW_PRIVATE_NETWORKS.
 * Checked when a destination is saved (the URL's host, resolved) and again on every connection (the
 * address actually dialled), so a name that later resolves elsewhere (DNS rebinding) is refused too.
 */
// Two lists: node's BlockList matches an IPv4 address against IPv4-mapped IPv6 subnets too, so the
// IPv6 ranges that embed IPv4 addresses (::/96, ::ffff:0:0/96, …) would otherwise block every IPv4 one.
const BLOCKED = new BlockList();
const BLOCKED6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  // IPv4-compatible (deprecated; holds :: and ::1), IPv4-mapped and SIIT-translated forms, whatever
  // IPv4 address they carry: a public IPv4 destination is written as IPv4.
  ['::', 96],
  ['::ffff:0:0', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2001::', 32], // Teredo
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED6.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is private, loopback, link-local or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
    return BLOCKED6.check(address, 'ipv6');
  }
  return true; // not an address at all: refuse
}

export class DestinationRefused extends Error {}

const LOOKUP_TIMEOUT_MS = 3000;

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new DestinationRefused(`${host} did not resolve within ${LOOKUP_TIMEOUT_MS / 1000} s`),
        ),
      LOOKUP_TIMEOUT_MS,
    );
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => {
      clearTimeout(timer);
      if (err) reject(new DestinationRefused(`${host} does not resolve`));
      else resolve(addresses);
    });
  });
}

/** The URL's host without IPv6 brackets. */
export function urlHost(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Refuses (DestinationRefused) a destination whose host is, or resolves to, a private address. */
export async function assertPublicDestination(url: string, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = urlHost(url);
  if (/^localhost$/i.test(host) || /\.localhost$/i.test(host))
    throw new DestinationRefused(`${host} is this machine`);
  const addresses = isIP(host) ? [{ address: host }] : await lookupAll(host);
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  // The address a name resolves to is not named: a tenant must not learn the internal network's DNS.
  if (bad)
    throw new DestinationRefused(
      isIP(host) ? `${host} is a private, loopback or link-local address` : `${host} resolves to a private, loopback or link-local address`,
    );
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s) agents that refuses private addresses at connection time (unless allowed).
 * Node also calls it for IP literals only when they are names, so literal hosts are checked before dialling.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number },
    callback: LookupCallback,
  ): void => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses;
      if (!allowPrivate) {
        const bad = list.find((a) => isPrivateAddress(a.address));
        if (bad) {
          const refused = Object.assign(
            new DestinationRefused(`${hostname} resolves to a private address: refused`),
            { code: 'EPRIVATE' },
          );
          return callback(refused, []);
        }
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first)
        return callback(
          Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }),
          [],
        );
      callback(null, first.address, first.family);
    });
  };
}
