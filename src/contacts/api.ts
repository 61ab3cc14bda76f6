// Contacts API: read, filter by tags and text, and the fields the inbox side panel edits (name, language, tags,
// attributes). Import, export, erase and segments come with their own issue.
import { Type } from "@sinclair/typebox";
import type { Deps } from "../deps";
import { route, type Ctx } from "../platform/http";
import { notFound } from "../platform/errors";
import { PageQuery, decodeCursor, page } from "../platform/pagination";
import { ContactJson, ContactPatchBody, contactJson } from "./model";

const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const who = (c: Ctx) => ({ actor: c.actor, ip: c.ip, userAgent: c.userAgent });

export function contactsApi(d: Deps) {
  const json = (id: number) => {
    const c = d.contacts.get(id);
    if (!c) throw notFound("No such contact.");
    return contactJson(c, d.contacts.tags(id));
  };
  return [
    route({
      method: "GET",
      path: "/api/v1/contacts",
      access: "contacts:read",
      tag: "Contacts",
      summary: "List contacts",
      description: "Oldest first. `tag` may repeat: a contact must carry every one. `q` searches name and phone (a phone number matches by its leading digits, e.g. +39333).",
      query: Type.Object({
        tag: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20, description: "Repeatable; all must match" })),
        q: Type.Optional(Type.String({ maxLength: 200, description: "Words in the name, or the beginning of the phone number" })),
        ...PageQuery,
      }),
      response: Type.Object({ data: Type.Array(ContactJson), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
      handler: (c) => {
        const limit = c.query.limit ?? 50;
        const rows = d.contacts.list({ afterId: decodeCursor(c.query.cursor), limit: limit + 1, tags: c.query.tag, q: c.query.q });
        return page(rows, limit, (r) => contactJson(r, d.contacts.tags(r.id)));
      },
    }),
    route({
      method: "GET",
      path: "/api/v1/contacts/:id",
      access: "contacts:read",
      tag: "Contacts",
      summary: "Get a contact with its tags and attributes",
      params: Id,
      response: Type.Object({ data: ContactJson }),
      handler: (c) => ({ data: json(c.params.id) }),
    }),
    route({
      method: "PATCH",
      path: "/api/v1/contacts/:id",
      access: "contacts:manage",
      tag: "Contacts",
      summary: "Update a contact's name, language, tags or attributes",
      description: "`tags` replaces the whole set (each 1-50 characters, unique without case, at most 100). `attributes` is merged: a key set to null is deleted. All or nothing: one invalid field changes nothing.",
      params: Id,
      body: ContactPatchBody,
      response: Type.Object({ data: ContactJson }),
      handler: (c) => {
        d.contacts.patch(c.params.id, c.body, who(c));
        return { data: json(c.params.id) };
      },
    }),
  ];
}
