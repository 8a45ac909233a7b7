import { isRecord } from "./fake-request.js";
import type { RequestRule, Violation } from "./request-rules.js";

/** What the Gemini rules read of a `generateContent` body. */
export interface GeminiRulesBody {
  contents?: unknown;
  tools?: unknown;
}

/** The fields of Gemini's `Schema` message (JSON and proto names); anything else is an unknown field. */
const SCHEMA_FIELDS = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "maxItems",
  "max_items",
  "minItems",
  "min_items",
  "properties",
  "required",
  "minProperties",
  "min_properties",
  "maxProperties",
  "max_properties",
  "minLength",
  "min_length",
  "maxLength",
  "max_length",
  "pattern",
  "example",
  "anyOf",
  "any_of",
  "propertyOrdering",
  "property_ordering",
  "default",
  "items",
  "minimum",
  "maximum",
]);

interface Turn {
  role: unknown;
  parts: Record<string, unknown>[];
}

function turnsOf(body: GeminiRulesBody): Turn[] {
  if (!Array.isArray(body.contents)) return [];
  return body.contents
    .filter(isRecord)
    .map((content) => ({ role: content.role ?? "user", parts: Array.isArray(content.parts) ? content.parts.filter(isRecord) : [] }));
}

const count = (turn: Turn | undefined, key: "functionCall" | "functionResponse") =>
  (turn?.parts ?? []).filter((part) => part[key] !== undefined).length;

/** Every field of a schema (and the schemas inside it) that Gemini's `Schema` does not have, with its path. */
function unknownFields(schema: unknown, path: string, out: { name: string; path: string }[]): void {
  if (!isRecord(schema)) return;
  for (const key of Object.keys(schema)) if (!SCHEMA_FIELDS.has(key)) out.push({ name: key, path });
  if (isRecord(schema.properties)) {
    Object.values(schema.properties).forEach((value, index) => unknownFields(value, `${path}.properties[${index}].value`, out));
  }
  if (isRecord(schema.items)) unknownFields(schema.items, `${path}.items`, out);
  const anyOf = schema.anyOf ?? schema.any_of;
  if (Array.isArray(anyOf)) anyOf.forEach((member, index) => unknownFields(member, `${path}.any_of[${index}]`, out));
}

const CALL_POSITION = "Please ensure that function call turn comes immediately after a user turn or after a function response turn.";
const RESPONSE_COUNT =
  "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";

/**
 * The `generateContent` requests the Gemini API refuses (400, `INVALID_ARGUMENT`),
 * with the messages it answers them with.
 */
export const geminiRequestRules: readonly RequestRule<GeminiRulesBody>[] = [
  {
    name: "invalid-role",
    rejects: "a content whose role is not `user` or `model`",
    check: (body) =>
      turnsOf(body).some((turn) => turn.role !== "user" && turn.role !== "model")
        ? { message: "Please use a valid role: user, model." }
        : undefined,
  },
  {
    name: "first-turn-not-user",
    rejects: "a conversation that does not start with a user turn",
    check(body) {
      const first = turnsOf(body)[0];
      if (first === undefined || first.role === "user") return undefined;
      // A function call first has a known message; for a plain model turn the message is ours (see the README).
      return { message: count(first, "functionCall") > 0 ? CALL_POSITION : "Please ensure that the conversation starts with a user turn." };
    },
  },
  {
    name: "function-call-position",
    rejects: "a model turn with function calls right after another model turn",
    check(body) {
      const turns = turnsOf(body);
      const misplaced = turns.some((turn, index) => index > 0 && count(turn, "functionCall") > 0 && turns[index - 1]!.role === "model");
      return misplaced ? { message: CALL_POSITION } : undefined;
    },
  },
  {
    name: "function-response-count",
    rejects:
      "a model turn with N function calls not followed by a user turn of exactly N function responses, " +
      "or function responses without that turn",
    check(body) {
      const turns = turnsOf(body);
      for (const [index, turn] of turns.entries()) {
        const calls = turn.role === "model" ? count(turn, "functionCall") : 0;
        const next = turns[index + 1];
        if (calls > 0 && next !== undefined && count(next, "functionResponse") !== calls) return { message: RESPONSE_COUNT };
        const previous = turns[index - 1];
        const answered = previous?.role === "model" ? count(previous, "functionCall") : 0;
        if (count(turn, "functionResponse") > 0 && answered === 0) return { message: RESPONSE_COUNT };
      }
      return undefined;
    },
  },
  {
    name: "unsupported-schema-keyword",
    rejects:
      "a function declaration whose `parameters` use a keyword Gemini's Schema does not have " +
      "(`additionalProperties`, `$schema`, `$ref`, `$defs`, `const`, `oneOf`, `allOf`, `not`, `exclusiveMinimum`, `examples`, …)",
    check(body): Violation | undefined {
      const found: { name: string; path: string }[] = [];
      (Array.isArray(body.tools) ? body.tools : []).forEach((tool, t) => {
        if (!isRecord(tool)) return;
        const declarations = tool.functionDeclarations ?? tool.function_declarations;
        (Array.isArray(declarations) ? declarations : []).forEach((declaration, d) => {
          if (isRecord(declaration)) unknownFields(declaration.parameters, `tools[${t}].function_declarations[${d}].parameters`, found);
        });
      });
      if (found.length === 0) return undefined;
      const lines = found.map(({ name, path }) => `Invalid JSON payload received. Unknown name "${name}" at '${path}': Cannot find field.`);
      return {
        message: lines.join("\n"),
        details: [
          {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            fieldViolations: found.map(({ path }, index) => ({ field: path, description: lines[index] })),
          },
        ],
      };
    },
  },
];
