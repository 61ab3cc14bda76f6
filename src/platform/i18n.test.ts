import { describe, expect, test } from "bun:test";
import { LOCALES, negotiate, translator } from "./i18n";

describe("i18n", () => {
  test("every language has exactly the English keys, none empty, and each file has its twin", () => {
    const { MESSAGES } = require("./embedded") as typeof import("./embedded");
    expect(MESSAGES.it!.length).toBe(MESSAGES.en!.length);
    const en = Object.keys(LOCALES.en).sort();
    for (const [code, table] of Object.entries(LOCALES)) {
      expect(`${code}: ${Object.keys(table).sort().join(",")}`).toBe(`${code}: ${en.join(",")}`);
      for (const [k, v] of Object.entries(table)) expect(`${code}.${k}=${(v as string).trim().length > 0}`).toBe(`${code}.${k}=true`);
    }
  });

  test("placeholders are the same in every language", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(",");
    for (const [k, v] of Object.entries(LOCALES.en)) expect(`${k}: ${names(LOCALES.it[k] ?? "")}`).toBe(`${k}: ${names(v)}`);
  });

  test("Accept-Language picks the best supported language by q-value", () => {
    expect(negotiate("it-IT,it;q=0.9,en;q=0.8")).toBe("it");
    expect(negotiate("de-DE,de;q=0.9,en;q=0.5")).toBe("en");
    expect(negotiate("fr;q=1, it;q=0.4")).toBe("it");
    expect(negotiate(null, "it")).toBe("it");
    expect(negotiate("en;q=0, it;q=0")).toBe("en");
  });

  test("translation interpolates and falls back", () => {
    expect(translator("it")("home.welcome", { name: "Anna" })).toBe("Benvenuto, Anna");
    expect(translator("en")("no.such.key")).toBe("no.such.key");
  });
});
