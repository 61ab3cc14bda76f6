import { describe, expect, test } from "bun:test";
import { linkify, mapUrl, safeHttpUrl } from "./linkify";

describe("customer text made safe", () => {
  test("only http(s) URLs become links, normalised and without trailing punctuation", () => {
    expect(linkify("see https://example.com/a?b=1. ok")).toEqual([{ text: "see " }, { text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" }, { text: ". ok" }]);
    expect(linkify("javascript:alert(1) data:text/html,x ftp://x")).toEqual([{ text: "javascript:alert(1) data:text/html,x ftp://x" }]);
    expect(linkify('https://evil.example/"onmouseover=x')).toEqual([{ text: "https://evil.example/", href: "https://evil.example/" }, { text: '"onmouseover=x' }]);
    expect(linkify("http://exa mple")[0]).toEqual({ text: "http://exa", href: "http://exa/" });
  });

  test("safeHttpUrl refuses other schemes and malformed URLs", () => {
    expect(safeHttpUrl("javascript:alert(1)")).toBeNull();
    expect(safeHttpUrl("not a url")).toBeNull();
    expect(safeHttpUrl("https://x.it/ä b")).toBe("https://x.it/%C3%A4%20b");
  });

  test("map links carry only numbers", () => {
    expect(mapUrl(45.46, "9.19")).toBe("https://www.openstreetmap.org/?mlat=45.46&mlon=9.19#map=16/45.46/9.19");
    expect(mapUrl("1;alert(1)", 2)).toBeNull();
    expect(mapUrl(91, 0)).toBeNull();
  });
});
