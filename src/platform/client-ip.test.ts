import { describe, expect, test } from "bun:test";
import { clientIpResolver, parseProxyEntry } from "./client-ip";

describe("client address behind trusted proxies", () => {
  const ip = clientIpResolver(["127.0.0.1", "10.0.0.0/8", "fd00::/8"]);

  test("without trusted proxies the header is ignored", () => {
    expect(clientIpResolver([])("127.0.0.1", "203.0.113.9")).toBe("127.0.0.1");
  });

  test("a trusted proxy's X-Forwarded-For names the client", () => {
    expect(ip("127.0.0.1", "203.0.113.9")).toBe("203.0.113.9");
    expect(ip("::ffff:127.0.0.1", "203.0.113.9")).toBe("203.0.113.9");
    expect(ip("fd12::1", "2001:db8::7")).toBe("2001:db8::7");
  });

  test("a chain of trusted proxies is walked from the right; the client's own entries are not believed", () => {
    expect(ip("127.0.0.1", "203.0.113.9, 10.1.2.3")).toBe("203.0.113.9");
    // The client wrote "1.1.1.1" itself: the proxy appended what it saw, and that is the address counted.
    expect(ip("127.0.0.1", "1.1.1.1, 198.51.100.4")).toBe("198.51.100.4");
  });

  test("an untrusted peer cannot choose its address", () => {
    expect(ip("198.51.100.4", "127.0.0.1")).toBe("198.51.100.4");
    expect(ip("198.51.100.4", "203.0.113.9")).toBe("198.51.100.4");
  });

  test("garbage in the chain stops at the last address a trusted hop vouched for", () => {
    expect(ip("127.0.0.1", "203.0.113.9, nonsense")).toBe("127.0.0.1");
    expect(ip("127.0.0.1", "nonsense, 10.0.0.5")).toBe("10.0.0.5");
    expect(ip("127.0.0.1", "")).toBe("127.0.0.1");
  });

  test("entries are IPs or CIDR ranges, with a message saying what is expected", () => {
    expect(parseProxyEntry("10.0.0.0/8")).toEqual({ address: "10.0.0.0", prefix: 8, family: "ipv4" });
    expect(parseProxyEntry("::1")).toEqual({ address: "::1", prefix: null, family: "ipv6" });
    expect(() => parseProxyEntry("proxy.lan")).toThrow("is not an IP address or CIDR range");
    expect(() => parseProxyEntry("10.0.0.0/33")).toThrow("bad prefix length (0–32)");
    expect(() => parseProxyEntry("10.0.0.0/8/1")).toThrow("is not an IP address");
  });
});
