import { describe, expect, test } from "bun:test";
import { attributeKeyError, attributeValueError, cleanLanguage, cleanName, cleanTag, tagKey } from "./validate";

describe("contact field rules", () => {
  test("tags: trimmed, 1-50 characters, no ; or control characters, compared without case", () => {
    expect(cleanTag("  VIP ")).toEqual({ tag: "VIP" });
    expect(cleanTag("  ")).toEqual({ error: "must not be empty" });
    expect(cleanTag("è".repeat(50))).toEqual({ tag: "è".repeat(50) });
    expect(cleanTag("x".repeat(51))).toEqual({ error: "must be at most 50 characters" });
    expect(cleanTag("a;b")).toHaveProperty("error");
    expect(cleanTag("a\nb")).toHaveProperty("error");
    expect(tagKey("CITTÀ")).toBe(tagKey("città"));
  });

  test("attributes: snake_case keys; string, number, boolean or null values", () => {
    expect(attributeKeyError("city_2")).toBeNull();
    for (const bad of ["", "City", "a-b", "x".repeat(41), "città"]) expect(attributeKeyError(bad)).not.toBeNull();
    for (const ok of ["Roma", 3, 2.5, true, null]) expect(attributeValueError(ok)).toBeNull();
    for (const bad of [Number.POSITIVE_INFINITY, {}, [], "x".repeat(1001)]) expect(attributeValueError(bad)).not.toBeNull();
  });

  test("names and language tags", () => {
    expect(cleanName("  Maria ")).toEqual({ name: "Maria" });
    expect(cleanName("")).toHaveProperty("error");
    expect(cleanLanguage("IT")).toBe("it");
    expect(cleanLanguage("pt-br")).toBe("pt-BR");
    expect(cleanLanguage("zh-hant-tw")).toBe("zh-Hant-TW");
    for (const bad of ["italiano!", "i", "", "it_IT"]) expect(cleanLanguage(bad)).toBeNull();
  });
});
