import { isPlainObject, type AdapterTool, type NormalizedAction, type ObjectJSONSchema, type Tool } from "@copilot-runtime/protocol";

/** The tools of one run: the server actions the runtime executes and the frontend tools the client executes. */
export interface ToolSet {
  /** Offered to the LLM: server actions first, then the frontend tools they do not shadow. */
  tools: AdapterTool[];
  /** Server actions by name. */
  actions: ReadonlyMap<string, NormalizedAction>;
  /** Names of the frontend tools. */
  frontendToolNames: ReadonlySet<string>;
}

const EMPTY_OBJECT_SCHEMA: ObjectJSONSchema = { type: "object", properties: {} };

/** A frontend tool's parameters as an object schema (a tool without one takes no arguments). */
function frontendSchema(parameters: unknown): ObjectJSONSchema {
  if (!isPlainObject(parameters) || parameters.type !== "object") return EMPTY_OBJECT_SCHEMA;
  return { properties: {}, ...parameters } as ObjectJSONSchema;
}

/** Merges server actions and the client's tools; a server action wins a name clash, and the first of two frontend tools wins. */
export function buildToolSet(actions: readonly NormalizedAction[], frontendTools: readonly Tool[] = []): ToolSet {
  const byName = new Map(actions.map((action) => [action.name, action]));
  const tools: AdapterTool[] = actions.map((action) => ({
    name: action.name,
    description: action.description,
    parameters: action.parameters,
  }));
  const frontendToolNames = new Set<string>();
  for (const tool of frontendTools) {
    if (byName.has(tool.name) || frontendToolNames.has(tool.name)) continue;
    frontendToolNames.add(tool.name);
    tools.push({ name: tool.name, description: tool.description, parameters: frontendSchema(tool.parameters) });
  }
  return { tools, actions: byName, frontendToolNames };
}
