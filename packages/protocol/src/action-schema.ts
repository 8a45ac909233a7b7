import type {
  Action,
  ActionContext,
  ActionDefinition,
  ActionResult,
  ArgumentAnnotation,
  LegacyAction,
  Parameter,
  ZodLikeSchema,
} from "./action.js";
import { ConfigurationError } from "./errors.js";
import { isPlainObject, type JSONSchema, type ObjectJSONSchema } from "./json-schema.js";

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export type ParseArgsResult = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/** An action in the one shape the runtime works with. */
export interface NormalizedAction {
  name: string;
  description: string;
  parameters: ObjectJSONSchema;
  /** Checks the LLM's arguments; a failure message is meant for the LLM. */
  parseArgs(args: Record<string, unknown>): ParseArgsResult;
  invoke(args: Record<string, unknown>, context: ActionContext): ActionResult | Promise<ActionResult>;
  /** Where it comes from, when not from the app's `actions`: a LangServe chain or an MCP server's tool (for telemetry). */
  source?: "langserve" | "mcp";
}

function parameterToJsonSchema(parameter: Parameter): JSONSchema {
  const type = parameter.type ?? "string";
  const schema: JSONSchema = {};
  switch (type) {
    case "string":
      schema.type = "string";
      if (parameter.enum != null) schema.enum = [...parameter.enum];
      break;
    case "number":
    case "boolean":
      schema.type = type;
      break;
    case "string[]":
    case "number[]":
    case "boolean[]":
      schema.type = "array";
      schema.items = { type: type.slice(0, -2) };
      break;
    case "object":
      Object.assign(schema, parametersToJsonSchema(parameter.attributes ?? []));
      break;
    case "object[]":
      schema.type = "array";
      schema.items = parametersToJsonSchema(parameter.attributes ?? []);
      break;
    default:
      throw new ConfigurationError(
        `Parameter "${parameter.name}" has unsupported type "${String(type)}". ` +
          "Use string, number, boolean, object, object[], string[], number[] or boolean[].",
      );
  }
  if (parameter.description != null) schema.description = parameter.description;
  return schema;
}

/** CopilotKit parameters → the JSON Schema of the arguments object. `required` defaults to true. */
export function parametersToJsonSchema(parameters: readonly Parameter[]): ObjectJSONSchema {
  const properties: Record<string, JSONSchema> = {};
  const required: string[] = [];
  for (const parameter of parameters) {
    if (typeof parameter?.name !== "string" || parameter.name === "") {
      throw new ConfigurationError("Every parameter needs a non-empty string `name`.");
    }
    properties[parameter.name] = parameterToJsonSchema(parameter);
    if (parameter.required !== false) required.push(parameter.name);
  }
  return { type: "object", properties, required };
}

function annotationsToParameters(annotations: readonly ArgumentAnnotation[]): Parameter[] {
  return annotations.map((annotation): Parameter => {
    const base = { name: annotation.name, description: annotation.description, required: annotation.required };
    if (annotation.type !== "array") return { ...base, type: annotation.type };
    const item = annotation.items?.type;
    const type = item === "number" || item === "boolean" || item === "object" ? (`${item}[]` as const) : "string[]";
    return { ...base, type };
  });
}

export function isZodSchema(value: unknown): value is ZodLikeSchema {
  return (
    value != null && typeof value === "object" && "_zod" in value && typeof (value as { safeParse?: unknown }).safeParse === "function"
  );
}

function isZod3Schema(value: unknown): boolean {
  return value != null && typeof value === "object" && "_def" in value && !("_zod" in value);
}

interface JSONSchemaConvertible {
  toJSONSchema?: (params?: { io?: "input" | "output"; unrepresentable?: "throw" | "any" }) => unknown;
  "~standard"?: { jsonSchema?: { input?: (options: { target: string }) => unknown } };
}

/**
 * A zod 4 schema's JSON Schema, through the schema's own converter (so this
 * package never loads zod itself): `schema.toJSONSchema()`, or the Standard
 * JSON Schema interface.
 */
function zodToJsonSchema(schema: ZodLikeSchema, actionName: string): ObjectJSONSchema {
  let json: JSONSchema;
  try {
    const convertible = schema as unknown as JSONSchemaConvertible;
    const converted =
      typeof convertible.toJSONSchema === "function"
        ? convertible.toJSONSchema({ io: "input", unrepresentable: "any" })
        : convertible["~standard"]?.jsonSchema?.input?.({ target: "draft-2020-12" });
    if (converted == null || typeof converted !== "object")
      throw new TypeError("this zod version cannot produce JSON Schema (use zod >= 4.1)");
    json = converted as JSONSchema;
  } catch (cause) {
    throw new ConfigurationError(`Action "${actionName}": its zod schema cannot be converted to JSON Schema.`, { cause });
  }
  const { $schema: _ignored, ...rest } = json;
  if (rest.type !== "object") {
    throw new ConfigurationError(`Action "${actionName}": a zod schema for parameters must be an object schema (z.object).`);
  }
  return { ...rest, type: "object", properties: (rest.properties as Record<string, JSONSchema> | undefined) ?? {} };
}

function jsonSchemaToObjectSchema(schema: JSONSchema, actionName: string): ObjectJSONSchema {
  if (schema.type !== undefined && schema.type !== "object") {
    throw new ConfigurationError(
      `Action "${actionName}": a JSON Schema for parameters must describe an object (type: "object"), ` +
        `got type ${JSON.stringify(schema.type)}.`,
    );
  }
  const { $schema: _ignored, ...rest } = schema;
  return { ...rest, type: "object", properties: rest.properties ?? {} };
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

function requiredChecker(schema: ObjectJSONSchema): (args: Record<string, unknown>) => ParseArgsResult {
  const required = schema.required ?? [];
  return (args) => {
    const missing = required.filter((key) => args[key] === undefined);
    if (missing.length > 0) return { ok: false, message: `Missing required argument(s): ${missing.join(", ")}.` };
    return { ok: true, value: args };
  };
}

function isLegacyAction(value: ActionDefinition): value is LegacyAction {
  return "implementation" in value && typeof value.implementation === "function" && !("handler" in value);
}

/**
 * Brings an action in any accepted shape (CopilotKit parameters, the 0.x
 * `argumentAnnotations` / `implementation` spelling, JSON Schema, zod) into
 * one shape. Throws a `ConfigurationError` naming the action when it is malformed.
 */
export function normalizeAction(definition: ActionDefinition): NormalizedAction {
  if (!isPlainObject(definition) && (definition == null || typeof definition !== "object")) {
    throw new ConfigurationError("An action must be an object with a name and a handler.");
  }
  const name = definition.name;
  if (typeof name !== "string" || !TOOL_NAME.test(name)) {
    throw new ConfigurationError(
      `Invalid action name ${JSON.stringify(name)}: use 1-64 letters, digits, "_" or "-" (LLM providers reject other tool names).`,
    );
  }
  const description = typeof definition.description === "string" ? definition.description : "";

  if (isLegacyAction(definition)) {
    const annotations = definition.argumentAnnotations ?? [];
    const parameters = parametersToJsonSchema(annotationsToParameters(annotations));
    const implementation = definition.implementation;
    return {
      name,
      description,
      parameters,
      parseArgs: requiredChecker(parameters),
      invoke: (args) => implementation(...annotations.map((annotation) => args[annotation.name])),
    };
  }

  const action = definition as Action;
  if (typeof action.handler !== "function") {
    throw new ConfigurationError(`Action "${name}" has no handler function.`);
  }
  const handler = action.handler.bind(action);
  const raw = action.parameters;

  if (raw === undefined || Array.isArray(raw)) {
    const parameters = parametersToJsonSchema((raw ?? []) as readonly Parameter[]);
    return { name, description, parameters, parseArgs: requiredChecker(parameters), invoke: handler };
  }
  if (isZodSchema(raw)) {
    const parameters = zodToJsonSchema(raw, name);
    return {
      name,
      description,
      parameters,
      parseArgs: (args) => {
        const result = raw.safeParse(args);
        if (result.success) return { ok: true, value: result.data as Record<string, unknown> };
        return { ok: false, message: `Invalid arguments: ${describeIssues(result.error.issues)}.` };
      },
      invoke: handler,
    };
  }
  if (isZod3Schema(raw)) {
    throw new ConfigurationError(
      `Action "${name}": zod 3 schemas are not supported; use zod 4 (or \`import { z } from "zod/v4"\` with zod >= 3.25).`,
    );
  }
  if (isPlainObject(raw)) {
    const parameters = jsonSchemaToObjectSchema(raw as JSONSchema, name);
    return { name, description, parameters, parseArgs: requiredChecker(parameters), invoke: handler };
  }
  throw new ConfigurationError(
    `Action "${name}": parameters must be an array of CopilotKit parameters, a JSON Schema object or a zod schema.`,
  );
}

/** The JSON Schema of an action's arguments, whatever shape it was defined in. */
export function actionParametersToJsonSchema(definition: ActionDefinition): ObjectJSONSchema {
  return normalizeAction(definition).parameters;
}
