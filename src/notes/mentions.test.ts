import { describe, expect, test } from "bun:test";
import { findMentions } from "./mentions";

const users = [
  { id: 1, name: "Anna", email: "anna.b@shop.it" },
  { id: 2, name: "Anna Maria", email: "am@shop.it" },
  { id: 3, name: "Luca Rossi", email: "luca@shop.it" },
  { id: 4, name: "Zoë", email: "zoe@shop.it" },
];

describe("findMentions", () => {
  test("by name (spaces allowed) or email local part, without case", () => {
    expect(findMentions("ciao @luca rossi, guarda", users)).toEqual([3]);
    expect(findMentions("@LUCA puoi?", users)).toEqual([3]);
    expect(findMentions("@anna.b e @am", users)).toEqual([1, 2]);
    expect(findMentions("per @zoë", users)).toEqual([4]);
  });

  test("the longest handle wins, and a handle must end at a word boundary", () => {
    expect(findMentions("@Anna Maria ciao", users)).toEqual([2]);
    expect(findMentions("@Anna, ciao", users)).toEqual([1]);
    expect(findMentions("@Annabella", users)).toEqual([]);
  });

  test("email addresses and unknown names are not mentions; repeats count once", () => {
    expect(findMentions("scrivi a luca@shop.it", users)).toEqual([]);
    expect(findMentions("@nessuno @ @", users)).toEqual([]);
    expect(findMentions("@luca @Luca Rossi", users)).toEqual([3]);
  });
});
