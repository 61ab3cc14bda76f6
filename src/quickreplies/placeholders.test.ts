import { describe, expect, test } from "bun:test";
import { renderPlaceholders, unknownPlaceholders } from "./placeholders";

const ctx = { contact: { name: "Maria  Rossi", phone: "+393331234567", attributes: { city: "Milano", vip: true, orders: 3, empty: "" } }, agent: { name: "Luca" } };

describe("renderPlaceholders", () => {
  test("contact and agent fields", () => {
    expect(renderPlaceholders("Ciao {{contact.first_name}}, sono {{ agent.name }}. {{contact.name}} {{contact.phone}}", ctx)).toBe("Ciao Maria, sono Luca. Maria  Rossi +393331234567");
  });

  test("attributes with fallbacks", () => {
    expect(renderPlaceholders("{{contact.attributes.city | 'cliente'}}", ctx)).toBe("Milano");
    expect(renderPlaceholders("{{contact.attributes.country | 'cliente'}}", ctx)).toBe("cliente");
    expect(renderPlaceholders('{{contact.attributes.empty|"nessuno"}}', ctx)).toBe("nessuno");
    expect(renderPlaceholders("{{contact.attributes.vip}} {{contact.attributes.orders}}", ctx)).toBe("true 3");
    expect(renderPlaceholders("[{{contact.attributes.nope}}]", ctx)).toBe("[]");
    expect(renderPlaceholders("{{contact.attributes.city}}", { ...ctx, contact: { ...ctx.contact, attributes: '{"city":"Roma"}' } })).toBe("Roma");
  });

  test("empty names use the fallback", () => {
    const anon = { ...ctx, contact: { name: "", phone: null, attributes: {} } };
    expect(renderPlaceholders("Ciao {{contact.first_name | 'cliente'}}!", anon)).toBe("Ciao cliente!");
    expect(renderPlaceholders("{{contact.phone}}", anon)).toBe("");
  });

  test("unknown placeholders and broken braces stay as written", () => {
    expect(renderPlaceholders("{{order.id}} {{ contact.nickname | 'x' }} {{contact.name", ctx)).toBe("{{order.id}} {{ contact.nickname | 'x' }} {{contact.name");
    expect(unknownPlaceholders("{{order.id}} {{contact.name}} {{contact.attributes.x}}")).toEqual(["order.id"]);
  });

  test("the output is the text as is: markup in values is not interpreted or escaped", () => {
    const hostile = { ...ctx, contact: { name: "<b>x</b> & {{agent.name}}", phone: null, attributes: {} } };
    expect(renderPlaceholders("{{contact.name}}", hostile)).toBe("<b>x</b> & {{agent.name}}");
  });
});
