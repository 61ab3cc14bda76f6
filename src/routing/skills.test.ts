import { describe, expect, test } from "bun:test";
import { hasKeyword, parseList, sameLanguage, skillTeam, type TeamSkills } from "./skills";

const team = (id: number, s: Partial<TeamSkills> = {}): TeamSkills => ({ id, name: `T${id}`, languages: [], keywords: [], tags: [], ...s });

describe("keywords", () => {
  test("whole words and phrases, any case", () => {
    expect(hasKeyword("I want a REFUND please", "refund")).toBe(true);
    expect(hasKeyword("refunds are slow", "refund")).toBe(false);
    expect(hasKeyword("where is my order?", "my order")).toBe(true);
    expect(hasKeyword("ordine: dov'è il mio caffè", "caffè")).toBe(true);
    expect(hasKeyword("caffèlatte", "caffè")).toBe(false);
  });

  test("keywords with regex characters are literal", () => {
    expect(hasKeyword("price is 10$ now", "10$")).toBe(true);
    expect(hasKeyword("anything", "a.y")).toBe(false);
    expect(hasKeyword("text", "  ")).toBe(false);
  });
});

test("languages match on their primary subtag", () => {
  expect(sameLanguage("it", "it_IT")).toBe(true);
  expect(sameLanguage("EN-us", "en")).toBe(true);
  expect(sameLanguage("es", "en")).toBe(false);
  expect(sameLanguage("", "en")).toBe(false);
});

describe("skill team", () => {
  const teams = [team(1, { languages: ["it"] }), team(2, { keywords: ["refund", "rimborso"] }), team(3, { tags: ["VIP"] })];

  test("by language, keyword or tag", () => {
    expect(skillTeam(teams, { language: "it", tags: [] }, "ciao")).toEqual({ teamId: 1, why: "language it" });
    expect(skillTeam(teams, { language: "en", tags: [] }, "I need a refund")).toEqual({ teamId: 2, why: 'keyword "refund"' });
    expect(skillTeam(teams, { language: "en", tags: ["vip"] }, "hello")).toEqual({ teamId: 3, why: "tag VIP" });
  });

  test("a keyword beats a tag, a tag beats a language", () => {
    expect(skillTeam(teams, { language: "it", tags: ["vip"] }, "voglio un rimborso")?.teamId).toBe(2);
    expect(skillTeam(teams, { language: "it", tags: ["vip"] }, "ciao")?.teamId).toBe(3);
  });

  test("no match, and ties to the lower team id", () => {
    expect(skillTeam(teams, { language: "de", tags: [] }, "hallo")).toBeNull();
    expect(skillTeam([team(9, { languages: ["it"] }), team(4, { languages: ["it"] })], { language: "it", tags: [] }, "")?.teamId).toBe(4);
  });
});

test("comma lists are trimmed and de-duplicated", () => {
  expect(parseList(" it, en ,, IT,es ")).toEqual(["it", "en", "es"]);
  expect(parseList("")).toEqual([]);
});
