import { describe, expect, test } from "bun:test";
import type { TemplateRow } from "../numbers";
import { preview, templateForm, templateMessage, validateForm } from "./templates";

const row = (components: unknown[], parameter_format = "POSITIONAL"): TemplateRow => ({
  id: 1, waba_id: "1", meta_id: null, name: "ordine", language: "it", category: "UTILITY", status: "APPROVED", parameter_format, components: JSON.stringify(components), quality: null, reason: null, updated_at: 0,
});

describe("template variables", () => {
  test("header and body placeholders become fields, in order, and the filled form becomes components", () => {
    const f = templateForm(row([{ type: "HEADER", format: "TEXT", text: "Ordine {{1}}" }, { type: "BODY", text: "Ciao {{2}}, il {{1}} è {{3}}" }]), (k) => ({ p_header_1: "A-1", p_body_1: "pacco", p_body_2: "Giulia", p_body_3: "partito" })[k] ?? "");
    expect(f.fields.map((x) => x.name)).toEqual(["p_header_1", "p_body_1", "p_body_2", "p_body_3"]);
    expect(validateForm(f)).toBe(true);
    expect(templateMessage(f)).toEqual({
      name: "ordine", language: { code: "it" },
      components: [{ type: "header", parameters: [{ type: "text", text: "A-1" }] }, { type: "body", parameters: [{ type: "text", text: "pacco" }, { type: "text", text: "Giulia" }, { type: "text", text: "partito" }] }],
    });
    expect(preview(f.body, f, "body")).toBe("Ciao Giulia, il pacco è partito");
  });

  test("named placeholders are sent by name; Meta's rules on values are checked", () => {
    const f = templateForm(row([{ type: "BODY", text: "Ciao {{first_name}}" }], "NAMED"), () => "Anna");
    expect(templateMessage(f).components[0]!.parameters).toEqual([{ type: "text", parameter_name: "first_name", text: "Anna" }]);
    for (const [value, error] of [["", "inbox.tpl_err_empty"], ["a\nb", "inbox.tpl_err_newline"], ["a\tb", "inbox.tpl_err_newline"], ["a    b", "inbox.tpl_err_spaces"]] as const) {
      const g = templateForm(row([{ type: "BODY", text: "{{1}}" }]), () => value);
      expect(validateForm(g)).toBe(false);
      expect(g.fields[0]!.error).toBe(error);
    }
  });
});
