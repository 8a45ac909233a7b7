import {
  ConfigurationError,
  ProviderError,
  isPlainObject,
  parametersToJsonSchema,
  type JSONSchema,
  type ObjectJSONSchema,
  type Parameter,
} from "@copilot-runtime/protocol";

export interface ChainParameters {
  /** The JSON Schema of the action's arguments. */
  schema: ObjectJSONSchema;
  /** "single": the chain gets the value of `argument`; "multi": the arguments object. */
  parameterType: "single" | "multi";
  /** The argument passed to a "single" chain. */
  argument: string;
}

const PRIMITIVES = new Set(["string", "number", "integer", "boolean"]);
const MAX_DEPTH = 16;

function resolveRef(ref: string, root: JSONSchema): JSONSchema | undefined {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const defs = match ? root[match[1] as "$defs" | "definitions"] : undefined;
  const target = isPlainObject(defs) ? defs[match![2]!.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  return isPlainObject(target) ? (target as JSONSchema) : undefined;
}

/** Inlines `$ref`s to `$defs` / `definitions` (a recursive reference ends as an open object) and drops the definitions. */
export function inlineRefs(schema: JSONSchema, root: JSONSchema = schema, seen: ReadonlySet<string> = new Set(), depth = 0): JSONSchema {
  if (typeof schema.$ref === "string") {
    const ref = schema.$ref;
    const target = seen.has(ref) || depth > MAX_DEPTH ? undefined : resolveRef(ref, root);
    const { $ref: _ref, ...rest } = schema;
    if (target === undefined) return { type: "object", ...rest };
    return inlineRefs({ ...target, ...rest }, root, new Set([...seen, ref]), depth + 1);
  }
  const out: JSONSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$defs" || key === "definitions" || key === "$schema") continue;
    if (key === "properties" && isPlainObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [
          name,
          isPlainObject(property) ? inlineRefs(property as JSONSchema, root, seen, depth + 1) : property,
        ]),
      ) as Record<string, JSONSchema>;
    } else if ((key === "items" || key === "additionalProperties") && isPlainObject(value)) {
      out[key] = inlineRefs(value as JSONSchema, root, seen, depth + 1);
    } else if ((key === "anyOf" || key === "oneOf" || key === "allOf") && Array.isArray(value)) {
      out[key] = value.map((member: unknown) => (isPlainObject(member) ? inlineRefs(member as JSONSchema, root, seen, depth + 1) : member));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * A chain's `/input_schema` → the action's parameters. A primitive input
 * becomes one `input` argument passed as the bare value; an object becomes one
 * argument per property (nested objects, arrays, enums and `$ref`s kept, refs inlined).
 * A schema that is not an object is the remote server's fault, not the app's:
 * a `ProviderError` (`provider_error`).
 */
export function inferParameters(inputSchema: unknown): ChainParameters {
  if (!isPlainObject(inputSchema)) {
    throw new ProviderError("provider_error", "the input schema is not a JSON object", { provider: "langserve" });
  }
  const schema = inlineRefs(inputSchema as JSONSchema);
  const type = schema.type;
  if (type === "object" || (type === undefined && isPlainObject(schema.properties))) {
    const { title: _title, ...rest } = schema;
    return {
      schema: { ...rest, type: "object", properties: (rest.properties as Record<string, JSONSchema> | undefined) ?? {} },
      parameterType: "multi",
      argument: "input",
    };
  }
  const { title: _title, ...input } = schema;
  if (typeof type === "string" && PRIMITIVES.has(type) && input.description === undefined) input.description = "The input to the chain";
  return { schema: { type: "object", properties: { input }, required: ["input"] }, parameterType: "single", argument: "input" };
}

/** Parameters the developer gave (CopilotKit's shape); a "single" chain without one is a `ConfigurationError`. */
export function explicitParameters(
  parameters: Parameter[],
  parameterType: "single" | "multi" = "multi",
  where = "a chain",
): ChainParameters {
  const first = parameters[0]?.name;
  if (parameterType === "single" && first === undefined) {
    throw new ConfigurationError(`${where}: a "single" chain needs one parameter.`);
  }
  return { schema: parametersToJsonSchema(parameters), parameterType, argument: first ?? "input" };
}
