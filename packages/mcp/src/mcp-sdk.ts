import { ConfigurationError } from "@copilot-runtime/protocol";

export const SDK_PACKAGE = "@modelcontextprotocol/sdk";

type ClientModule = typeof import("@modelcontextprotocol/sdk/client/index.js");
type StreamableModule = typeof import("@modelcontextprotocol/sdk/client/streamableHttp.js");
type SseModule = typeof import("@modelcontextprotocol/sdk/client/sse.js");
type TypesModule = typeof import("@modelcontextprotocol/sdk/types.js");
type StdioModule = typeof import("@modelcontextprotocol/sdk/client/stdio.js");

/** The parts of the official MCP SDK the HTTP servers need, loaded on first use (it is an optional peer). */
export interface MCPSdk {
  Client: ClientModule["Client"];
  StreamableHTTPClientTransport: StreamableModule["StreamableHTTPClientTransport"];
  StreamableHTTPError: StreamableModule["StreamableHTTPError"];
  SSEClientTransport: SseModule["SSEClientTransport"];
  McpError: TypesModule["McpError"];
  ToolListChangedNotificationSchema: TypesModule["ToolListChangedNotificationSchema"];
}

const missing = (cause: unknown) =>
  new ConfigurationError(`MCP servers need the ${SDK_PACKAGE} package (1.x): npm i ${SDK_PACKAGE}`, { cause });

let sdk: Promise<MCPSdk> | undefined;

export function loadSdk(): Promise<MCPSdk> {
  sdk ??= Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
    import("@modelcontextprotocol/sdk/client/sse.js"),
    import("@modelcontextprotocol/sdk/types.js"),
  ]).then(
    ([client, streamable, sse, types]) => ({
      Client: client.Client,
      StreamableHTTPClientTransport: streamable.StreamableHTTPClientTransport,
      StreamableHTTPError: streamable.StreamableHTTPError,
      SSEClientTransport: sse.SSEClientTransport,
      McpError: types.McpError,
      ToolListChangedNotificationSchema: types.ToolListChangedNotificationSchema,
    }),
    (cause: unknown) => {
      sdk = undefined;
      throw missing(cause);
    },
  );
  return sdk;
}

export async function loadStdio(): Promise<StdioModule["StdioClientTransport"]> {
  try {
    return (await import("@modelcontextprotocol/sdk/client/stdio.js")).StdioClientTransport;
  } catch (cause) {
    throw missing(cause);
  }
}

/** A JSON Schema validator: valid, or why not (for the LLM). */
export type ArgumentsValidator = (input: unknown) => { valid: true } | { valid: false; errorMessage: string };

let ajv: Promise<{ getValidator(schema: object): (input: unknown) => { valid: boolean; errorMessage?: string } } | undefined> | undefined;

/**
 * A full JSON Schema validator for a tool's input schema, from the SDK's Ajv; undefined without the SDK or for a
 * schema Ajv cannot compile (the runtime's own check of required arguments still applies).
 */
export async function argumentsValidator(schema: object): Promise<ArgumentsValidator | undefined> {
  ajv ??= import("@modelcontextprotocol/sdk/validation/ajv").then(
    (module) => new module.AjvJsonSchemaValidator(),
    () => undefined,
  );
  const provider = await ajv;
  if (provider === undefined) return undefined;
  try {
    const validate = provider.getValidator(schema);
    return (input) => {
      const result = validate(input);
      return result.valid ? { valid: true } : { valid: false, errorMessage: result.errorMessage ?? "invalid" };
    };
  } catch {
    return undefined;
  }
}
