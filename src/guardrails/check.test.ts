import { describe, expect, test } from "bun:test";
import { check, parameterProblem, type Outgoing } from "./check";

const now = 1_000_000_000;
const base: Outgoing = {
  number: { status: "connected", display_phone_number: "+390212345678", last_error: null } as Outgoing["number"],
  contact: { wa_id: "393331234567", phone: "+393331234567", user_id: null, opted_out: 0 } as Outgoing["contact"],
  type: "text",
  template: null,
  known: null,
  windowExpiresAt: now + 1000,
  now,
};
const tpl = (status = "APPROVED", category = "MARKETING") => ({ ...base, type: "template", template: { name: "promo", language: { code: "it" } }, known: { name: "promo", language: "it", status, category } as Outgoing["known"] });

describe("check step", () => {
  test("free-form needs an open window", () => {
    expect(check(base)).toEqual({ ok: true, warnings: [] });
    expect(check({ ...base, windowExpiresAt: now })).toMatchObject({ ok: false, code: "outside_window" });
    expect(check({ ...base, windowExpiresAt: null })).toMatchObject({ ok: false, code: "outside_window" });
  });

  test("templates must be known and approved; they need no window", () => {
    expect(check({ ...tpl(), windowExpiresAt: null })).toMatchObject({ ok: true });
    expect(check({ ...tpl(), known: null })).toMatchObject({ ok: false, code: "unknown_template" });
    expect(check(tpl("PAUSED"))).toMatchObject({ ok: false, code: "template_not_approved" });
  });

  test("an opted-out customer gets no marketing template, but utility templates and replies in the window stay allowed", () => {
    const out = { ...base.contact, opted_out: 1 } as Outgoing["contact"];
    expect(check({ ...tpl(), contact: out })).toMatchObject({ ok: false, code: "opted_out" });
    expect(check({ ...tpl("APPROVED", "UTILITY"), contact: out })).toMatchObject({ ok: true });
    expect(check({ ...base, contact: out })).toMatchObject({ ok: true });
  });

  test("recipient and number", () => {
    expect(check({ ...base, contact: { wa_id: null, phone: null, user_id: null, opted_out: 0 } as Outgoing["contact"] })).toMatchObject({ code: "invalid_recipient" });
    expect(check({ ...base, number: { ...base.number, status: "disabled" } })).toMatchObject({ code: "number_unavailable" });
    const r = check({ ...base, number: { ...base.number, status: "error", last_error: "token" } });
    expect(r.ok && r.warnings[0]).toContain("waits in the queue");
  });

  test("template parameters: no newlines, tabs, four spaces or empty values", () => {
    const p = (text: string) => parameterProblem([{ type: "body", parameters: [{ type: "text", text }] }]);
    expect(p("Anna")).toBeNull();
    expect(p("")).toContain("empty");
    expect(p("a\nb")).toContain("newline");
    expect(p("a\tb")).toContain("tab");
    expect(p("a    b")).toContain("four spaces");
    expect(check({ ...tpl(), template: { name: "promo", language: { code: "it" }, components: [{ type: "body", parameters: [{ type: "text", text: " " }] }] } })).toMatchObject({ code: "invalid_parameters" });
  });
});
