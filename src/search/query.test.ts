import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { expandPrefix, fold, parseContactQuery, parseQuery } from "./query";
import { highlight } from "./highlight";

describe("parseQuery", () => {
  test("words are ANDed, the last one being typed is a prefix", () => {
    expect(parseQuery("caffè latt").fts).toBe('"caffè" "latt"*');
    expect(parseQuery("caffè latte ").fts).toBe('"caffè" "latte"');
    expect(parseQuery("ca").fts).toBe('"ca"');
  });

  test("quoted phrases, closed or still being typed", () => {
    expect(parseQuery('"consegna domani" ordine').fts).toBe('"consegna domani" "ordine"*');
    expect(parseQuery('ordine "consegna dom').fts).toBe('"ordine" "consegna dom"*');
    expect(parseQuery('"consegna domani"').fts).toBe('"consegna domani"');
  });

  test("FTS5 syntax in the input is plain text", () => {
    for (const q of ['"', 'NEAR(', "*", "-", ":", "a OR b", 'x" OR "y', "col:val", "^start", "(a", "AND", '""""', "+39 333"]) {
      const p = parseQuery(q);
      if (p.fts) expect(p.fts).toMatch(/^("[\p{L}\p{N}\p{M} ]+"\*? ?)+$/u);
    }
    expect(parseQuery("- * : ( )").fts).toBeNull();
    expect(parseQuery("").fts).toBeNull();
    expect(parseQuery("col:val").fts).toBe('"col val"*');
    expect(parseQuery("a OR b").fts).toBe('"a" "OR" "b"');
  });

  test("every generated expression is accepted by FTS5", () => {
    const db = new Database(":memory:");
    db.run("CREATE VIRTUAL TABLE f USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2')");
    db.run("INSERT INTO f (text) VALUES ('Il caffè è pronto, NEAR the door: a-b')");
    const hostile = ['"', 'NEAR(', "NEAR(a b", "*", "-x", "x:", "a AND", "OR", 'x" OR "y', "\u0000", "🙂 ok", "e\u0301", "caffe", "NOT pronto", "{text}: pronto", "prefix*"];
    for (const q of hostile) {
      const fts = parseQuery(q).fts;
      if (fts) expect(() => db.query("SELECT rowid FROM f WHERE f MATCH ?").all(fts)).not.toThrow();
    }
    expect(db.query("SELECT rowid FROM f WHERE f MATCH ?").all(parseQuery("caffe pront").fts!)).toHaveLength(1);
  });

  test("long input is bounded", () => {
    // 200 characters: the cut word is a prefix of the repeated one
    expect(parseQuery("parola ".repeat(100)).fts).toBe('"parola" "paro"*');
    expect(parseQuery(Array.from({ length: 30 }, (_, i) => `w${i}`).join(" ")).terms.length).toBe(8);
  });

  test("fold removes diacritics and case", () => {
    expect(fold("Perché CAFFÈ")).toBe("perche caffe");
  });
});

describe("highlight", () => {
  const seg = (q: string, text: string, max?: number) => highlight(text, parseQuery(q).terms, max);

  test("marks words, accents folded, prefixes and phrases", () => {
    expect(seg("caffe ", "Un Caffè, grazie")).toEqual([{ text: "Un ", match: false }, { text: "Caffè", match: true }, { text: ", grazie", match: false }]);
    expect(seg("graz", "Un caffè, grazie")).toEqual([{ text: "Un caffè, ", match: false }, { text: "grazie", match: true }]);
    expect(seg('"caffè grazie"', "caffè, grazie e caffè")).toEqual([{ text: "caffè, grazie", match: true }, { text: " e caffè", match: false }]);
  });

  test("hostile text stays text", () => {
    const s = seg("script", '<script>alert("x")</script>');
    expect(s.map((x) => x.text).join("")).toBe('<script>alert("x")</script>');
    expect(s.filter((x) => x.match).map((x) => x.text)).toEqual(["script", "script"]);
  });

  test("long text is cut around the first match", () => {
    const text = `${"prima ".repeat(60)}ordine 42 ${"dopo ".repeat(60)}`;
    const s = seg("ordine ", text, 80);
    expect(s[0]!.text.startsWith("…")).toBe(true);
    expect(s.at(-1)!.text.endsWith("…")).toBe(true);
    expect(s.some((x) => x.match && x.text === "ordine")).toBe(true);
    expect(s.map((x) => x.text).join("").length).toBeLessThanOrEqual(84);
  });

  test("no match still gives the start of the text", () => {
    expect(seg("zzz ", "hello world")).toEqual([{ text: "hello world", match: false }]);
  });
});

describe("expandPrefix", () => {
  const vocab = ["prenotato", "prenotazione", "pronto", "domani", "domenica"];
  const complete = (p: string) => vocab.filter((w) => w.startsWith(p));

  test("the word being typed becomes an OR of the indexed words it starts", () => {
    expect(expandPrefix(parseQuery("caffè prenot"), complete)).toBe('"caffè" AND ("prenotato" OR "prenotazione")');
    expect(expandPrefix(parseQuery('"consegna dom'), complete)).toBe('("consegna domani" OR "consegna domenica")');
    expect(expandPrefix(parseQuery("Prenotaz"), complete)).toBe('("prenotazione")');
  });

  test("no completion means no match; no prefix leaves the expression alone", () => {
    expect(expandPrefix(parseQuery("zzz"), complete)).toBeNull();
    expect(expandPrefix(parseQuery("caffè "), complete)).toBe('"caffè"');
    expect(expandPrefix(parseQuery("- *"), complete)).toBeNull();
  });

  test("vocabulary entries that are not plain words are dropped", () => {
    expect(expandPrefix(parseQuery("pre"), () => ['pre"x', "pre x", "prex"])).toBe('("prex")');
  });

  test("expanded expressions run on FTS5 and find what the prefix would", () => {
    const db = new Database(":memory:");
    db.run("CREATE VIRTUAL TABLE f USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2')");
    db.run("INSERT INTO f (text) VALUES ('La prenotazione è confermata'), ('Prenotato per domani'), ('nulla')");
    const fts = expandPrefix(parseQuery("PRENOT"), complete)!;
    expect(db.query("SELECT rowid FROM f WHERE f MATCH ? ORDER BY rowid").all(fts)).toEqual([{ rowid: 1 }, { rowid: 2 }]);
  });
});

describe("parseContactQuery", () => {
  test("phone-like input is a digits prefix", () => {
    expect(parseContactQuery("+39 333-123").fts).toBe('"39333123"*');
    expect(parseContactQuery("Maria Ros").fts).toBe('"Maria" "Ros"*');
    expect(parseContactQuery("12").fts).toBe('"12"');
  });
});
