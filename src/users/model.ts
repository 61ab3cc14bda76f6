// API shapes of users (TypeBox: validated on the way in, documented in OpenAPI).
import { Type } from "@sinclair/typebox";
import { iso } from "../platform/pagination";
import type { UserView } from "./store";

export const UserJson = Type.Object({
  id: Type.String(),
  email: Type.String({ format: "email" }),
  name: Type.String(),
  role: Type.String({ description: "Role key: owner, admin, supervisor, agent, marketer, analyst or a custom role" }),
  status: Type.Union([Type.Literal("active"), Type.Literal("disabled")]),
  team_ids: Type.Array(Type.String()),
  capacity: Type.Union([Type.Integer(), Type.Null()], { description: "Concurrent conversations; null uses the workspace default" }),
  language: Type.Union([Type.String(), Type.Null()]),
  totp_enabled: Type.Boolean(),
  created_at: Type.String({ format: "date-time" }),
  last_login_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

const Email = Type.String({ format: "email", maxLength: 254 });
const Capacity = Type.Union([Type.Integer({ minimum: 0, maximum: 200 }), Type.Null()]);
const Language = Type.Union([Type.Literal("en"), Type.Literal("it"), Type.Null()]);
const TeamIds = Type.Array(Type.Union([Type.String({ pattern: "^\\d+$", description: "a team id" }), Type.Integer({ minimum: 1 })]), { maxItems: 100 });

export const CreateUserBody = Type.Object(
  {
    email: Email,
    name: Type.String({ minLength: 1, maxLength: 80 }),
    password: Type.String({ minLength: 10, maxLength: 200 }),
    role: Type.String({ minLength: 1 }),
    team_ids: Type.Optional(TeamIds),
    capacity: Type.Optional(Capacity),
    language: Type.Optional(Language),
    must_change_password: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    email: Type.Optional(Email),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    password: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
    role: Type.Optional(Type.String({ minLength: 1 })),
    team_ids: Type.Optional(TeamIds),
    capacity: Type.Optional(Capacity),
    status: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("disabled")])),
    language: Type.Optional(Language),
  },
  { additionalProperties: false },
);

export function userJson(u: UserView, teamIds: number[]) {
  return {
    id: String(u.id),
    email: u.email,
    name: u.name,
    role: u.role_key,
    status: u.status,
    team_ids: teamIds.map(String),
    capacity: u.capacity,
    language: u.language,
    totp_enabled: !!u.totp_secret,
    created_at: iso(u.created_at)!,
    last_login_at: iso(u.last_login_at),
  };
}
