import { isPlainObject, type JSONSchema } from "@copilot-runtime/protocol";

/** A schema in the OpenAPI 3.0 subset Gemini's function declarations accept. */
export interface GeminiSchema {
  type?: "STRING" | "NUMBER" | "INTEGER" | "BOOLEAN" | "ARRAY" | "OBJECT";
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  items?: GeminiSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: GeminiSchema[];
  propertyOrdering?: string[];
}

const TYPES: Record<string, GeminiSchema["type"]> = {
  string: "STRING",
  number: "NUMBER",
  integer: "INTEGER",
  boolean: "BOOLEAN",
  array: "ARRAY",
  object: "OBJECT",
};

// The formats Gemini knows; others are dropped (the description keeps the meaning).
const FORMATS: Record<string, ReadonlySet<string>> = {
  STRING: new Set(["enum", "date-time"]),
  NUMBER: new Set(["float", "double"]),
  INTEGER: new Set(["int32", "int64"]),
};

const NUMERIC_KEYWORDS = [
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
] as const;

const MAX_DEPTH = 12;

function resolveRef(ref: string, root: JSONSchema): JSONSchema | undefined {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match) return undefined;
  const defs = root[match[1] as "$defs" | "definitions"];
  if (!isPlainObject(defs)) return undefined;
  const name = match[2]!.replace(/~1/g, "/").replace(/~0/g, "~");
  const target = defs[name];
  return isPlainObject(target) ? (target as JSONSchema) : undefined;
}

/** Merges `allOf` members that are objects into one object schema. */
function mergeAllOf(members: JSONSchema[]): JSONSchema {
  const merged: JSONSchema = { type: "object", properties: {}, required: [] };
  for (const member of members) {
    Object.assign(merged.properties!, member.properties ?? {});
    merged.required!.push(...(member.required ?? []));
    if (merged.description === undefined && typeof member.description === "string") merged.description = member.description;
  }
  return merged;
}

function convert(input: JSONSchema, root: JSONSchema, depth: number, seen: ReadonlySet<string>): GeminiSchema {
  let schema = input;
  if (typeof schema.$ref === "string") {
    const ref = schema.$ref;
    const target = seen.has(ref) || depth > MAX_DEPTH ? undefined : resolveRef(ref, root);
    // A recursive or unresolvable reference ends as an open object.
    if (target === undefined)
      return { type: "OBJECT", ...(typeof schema.description === "string" ? { description: schema.description } : {}) };
    const { $ref: _ref, ...rest } = schema;
    return convert({ ...target, ...rest }, root, depth + 1, new Set([...seen, ref]));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const { allOf, ...rest } = schema;
    const members = (allOf as JSONSchema[]).map((member) =>
      typeof member.$ref === "string" ? (resolveRef(member.$ref, root) ?? {}) : member,
    );
    schema = members.length === 1 ? { ...members[0], ...rest } : { ...mergeAllOf(members), ...rest };
  }

  const out: GeminiSchema = {};
  let nullable = schema.nullable === true;
  let type = schema.type;
  if (Array.isArray(type)) {
    nullable ||= type.includes("null");
    const others = type.filter((t) => t !== "null");
    type = others.length === 1 ? others[0] : undefined;
    if (others.length > 1) out.anyOf = others.map((t) => convert({ type: t }, root, depth + 1, seen));
  }
  if (type === "null") nullable = true;
  else if (typeof type === "string" && TYPES[type]) out.type = TYPES[type];

  const union = (schema.anyOf ?? schema.oneOf) as JSONSchema[] | undefined;
  if (Array.isArray(union)) {
    const members = union.filter((member) => member.type !== "null");
    if (members.length < union.length) nullable = true;
    if (members.length === 1 && out.type === undefined) Object.assign(out, convert(members[0]!, root, depth + 1, seen));
    else if (members.length > 0) out.anyOf = members.map((member) => convert(member, root, depth + 1, seen));
  }

  if (typeof schema.title === "string") out.title = schema.title;
  if (typeof schema.description === "string") out.description = schema.description;
  if (nullable) out.nullable = true;

  const values = schema.const !== undefined ? [schema.const] : schema.enum;
  if (Array.isArray(values) && values.length > 0 && values.every((value) => typeof value === "string")) {
    out.enum = values as string[];
    out.type ??= "STRING";
  }
  if (typeof schema.format === "string" && out.type && FORMATS[out.type]?.has(schema.format)) out.format = schema.format;
  if (typeof schema.pattern === "string") out.pattern = schema.pattern;
  for (const keyword of NUMERIC_KEYWORDS) {
    const value = schema[keyword];
    if (typeof value === "number") out[keyword] = value;
  }
  if (typeof schema.exclusiveMinimum === "number" && out.minimum === undefined) out.minimum = schema.exclusiveMinimum;
  if (typeof schema.exclusiveMaximum === "number" && out.maximum === undefined) out.maximum = schema.exclusiveMaximum;

  if (out.type === "ARRAY" || (out.type === undefined && schema.items !== undefined)) {
    const items = Array.isArray(schema.items) ? schema.items[0] : schema.items;
    out.items = isPlainObject(items) ? convert(items as JSONSchema, root, depth + 1, seen) : { type: "STRING" };
    out.type ??= "ARRAY";
  }
  if (isPlainObject(schema.properties)) {
    const properties: Record<string, GeminiSchema> = {};
    for (const [key, value] of Object.entries(schema.properties)) {
      if (isPlainObject(value)) properties[key] = convert(value as JSONSchema, root, depth + 1, seen);
    }
    if (Object.keys(properties).length > 0) {
      out.properties = properties;
      out.type ??= "OBJECT";
      const required = (schema.required ?? []).filter((key) => key in properties);
      if (required.length > 0) out.required = required;
    }
  }
  return out;
}

/**
 * JSON Schema → the subset Gemini accepts: `$ref` inlined (recursion cut off),
 * `allOf` merged, `oneOf` → `anyOf`, `const` → `enum`, `["x", "null"]` → `nullable`,
 * types upper-cased, and unsupported keywords (`$schema`, `additionalProperties`,
 * `default`, `examples`, `not`, `patternProperties`, unknown formats, ...) dropped.
 */
export function toGeminiSchema(schema: JSONSchema): GeminiSchema {
  return convert(schema, schema, 0, new Set());
}

/** The `parameters` of a function declaration, or undefined for a tool without arguments (Gemini rejects empty objects). */
export function toGeminiParameters(schema: JSONSchema): GeminiSchema | undefined {
  const converted = toGeminiSchema(schema);
  return converted.properties === undefined ? undefined : converted;
}
