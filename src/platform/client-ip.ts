// The client's address behind reverse proxies (TRUSTED_PROXIES). X-Forwarded-For is believed only when the
// connection comes from a trusted proxy, and then only as far as the chain stays on trusted hops: each proxy
// appends the address it saw, so the client is the rightmost entry that is not one of our proxies. Entries
// further left were written by the client itself and can be anything (a forged header must not let an
// attacker pick the address the sign-in limit counts).
import { BlockList, isIP } from "node:net";

/** Parses `10.0.0.0/8` or `192.0.2.7` (IPv4 or IPv6); throws an Error saying what is expected. */
export function parseProxyEntry(raw: string): { address: string; prefix: number | null; family: "ipv4" | "ipv6" } {
  const [address = "", bits, extra] = raw.split("/");
  const v = isIP(address);
  if (!v || extra !== undefined) throw new Error(`"${raw}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 127.0.0.1, ::1)`);
  const family = v === 4 ? "ipv4" : "ipv6";
  if (bits === undefined) return { address, prefix: null, family };
  const prefix = Number(bits);
  if (!/^\d{1,3}$/.test(bits) || prefix > (v === 4 ? 32 : 128)) throw new Error(`"${raw}" has a bad prefix length (0–${v === 4 ? 32 : 128})`);
  return { address, prefix, family };
}

/** Decides the client address of a request from its peer address and X-Forwarded-For. */
export function clientIpResolver(entries: readonly string[]): (peer: string, forwarded: string | null) => string {
  if (!entries.length) return (peer) => peer;
  const trusted = new BlockList();
  for (const e of entries) {
    const p = parseProxyEntry(e);
    if (p.prefix === null) trusted.addAddress(p.address, p.family);
    else trusted.addSubnet(p.address, p.prefix, p.family);
  }
  const isTrusted = (ip: string) => {
    const v = isIP(ip);
    return v !== 0 && trusted.check(ip, v === 4 ? "ipv4" : "ipv6");
  };
  return (peer, forwarded) => {
    if (!forwarded || !isTrusted(peer)) return peer;
    let client = peer;
    const hops = forwarded.split(",");
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!.trim();
      // Garbage in the chain: stop at the last address a trusted proxy vouched for.
      if (!isIP(hop)) break;
      client = hop;
      if (!isTrusted(hop)) break;
    }
    return client;
  };
}
