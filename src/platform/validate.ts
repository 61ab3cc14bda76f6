// Request validation with TypeBox schemas (the same schemas feed the OpenAPI document), turned into field
// messages a person can act on: "email: must be a valid email address".
import { FormatRegistry, type TSchema, type Static } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { Value, ValueErrorType, type ValueError } from "@sinclair/typebox/value";
import type { FieldError } from "./errors";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
if (!FormatRegistry.Has("email")) FormatRegistry.Set("email", (v) => EMAIL.test(v) && v.length <= 254);
if (!FormatRegistry.Has("date-time")) FormatRegistry.Set("date-time", (v) => /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v)));
if (!FormatRegistry.Has("e164")) FormatRegistry.Set("e164", (v) => /^\+[1-9]\d{6,14}$/.test(v));

function describe(e: ValueError): string {
  const s = e.schema as Record<string, unknown>;
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return "is required";
    case ValueErrorType.ObjectAdditionalProperties:
      return "is not a known field";
    case ValueErrorType.StringFormat:
      return s.format === "email" ? "must be a valid email address" : s.format === "e164" ? "must be a phone number in E.164 form, e.g. +393331234567" : `must be a valid ${s.format}`;
    case ValueErrorType.StringMinLength:
      return s.minLength === 1 ? "must not be empty" : `must be at least ${s.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${s.maxLength} characters`;
    case ValueErrorType.StringPattern:
      return (s.description as string | undefined) ?? `must match ${s.pattern}`;
    case ValueErrorType.String:
      return "must be a string";
    case ValueErrorType.Number:
    case ValueErrorType.Integer:
      return e.type === ValueErrorType.Integer ? "must be a whole number" : "must be a number";
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be at least ${s.minimum}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be at most ${s.maximum}`;
    case ValueErrorType.Boolean:
      return "must be true or false";
    case ValueErrorType.Array:
      return "must be a list";
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${s.maxItems} items`;
    case ValueErrorType.ArrayMinItems:
      return `must have at least ${s.minItems} items`;
    case ValueErrorType.Object:
      return "must be an object";
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(s.const)}`;
    case ValueErrorType.Union: {
      const options = ((s.anyOf as { const?: unknown }[] | undefined) ?? []).map((o) => o.const).filter((c) => c !== undefined);
      return options.length ? `must be one of ${options.join(", ")}` : "has an unexpected value";
    }
    default:
      return e.message.charAt(0).toLowerCase() + e.message.slice(1);
  }
}

function fieldName(path: string, fallback: string): string {
  return path ? path.replace(/^\//, "").replace(/\//g, ".") : fallback;
}

/** A compiled validator returning the value, or one message per offending field (first error per field). */
export interface Validator<S extends TSchema> {
  schema: S;
  check(value: unknown): { ok: true; value: Static<S> } | { ok: false; fields: FieldError[] };
}

/** Compiles a schema once; `convert` coerces strings (query parameters) before checking. */
export function validator<S extends TSchema>(schema: S, opts: { convert?: boolean; root?: string } = {}): Validator<S> {
  const compiled: TypeCheck<S> = TypeCompiler.Compile(schema);
  return {
    schema,
    check(input) {
      const value = opts.convert ? Value.Convert(schema, input) : input;
      if (compiled.Check(value)) return { ok: true, value: value as Static<S> };
      const seen = new Map<string, string>();
      for (const e of compiled.Errors(value)) {
        const field = fieldName(e.path, opts.root ?? "body");
        if (!seen.has(field)) seen.set(field, describe(e));
      }
      return { ok: false, fields: [...seen].map(([field, message]) => ({ field, message })) };
    },
  };
}
