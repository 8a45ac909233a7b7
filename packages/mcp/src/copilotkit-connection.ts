import {
  isConnectionError,
  isPlainObject,
  type CreateMCPClientFunction,
  type MCPClient,
  type MCPEndpointConfig,
  type MCPTool,
} from "@copilot-runtime/protocol";
import { MCPServerError } from "./mcp-server-error.js";
import { ServerConnection, remoteTool, type CallOptions, type ConnectionOptions, type RemoteTool } from "./server-connection.js";
import { toolOutcome, type ToolOutcome } from "./tool-result.js";

interface Session {
  client: MCPClient;
  tools: Record<string, MCPTool>;
}

class ToolTimeout extends Error {
  override name = "ToolTimeout";
}

/** A tool's JSON Schema from CopilotKit's `schema.parameters` (`jsonSchema`, or `properties` + `required`). */
function schemaOf(tool: MCPTool): unknown {
  const parameters = tool.schema?.parameters;
  if (parameters?.jsonSchema !== undefined) return parameters.jsonSchema;
  return { type: "object", properties: parameters?.properties ?? {}, ...(parameters?.required ? { required: parameters.required } : {}) };
}

/** Waits for `work`, at most `ms`, and no longer than `signal` allows. */
function bounded<T>(work: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    const timer = setTimeout(() => reject(new ToolTimeout()), ms);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    });
  });
}

/**
 * A server reached with the app's own client (`createMCPClient`, CopilotKit's option): its `tools()` read once per
 * connection, each call `tool.execute(args)`. A call is bounded by the tool timeout; it cannot be cancelled on the
 * server (the client has no way to), only abandoned.
 */
export class CopilotKitConnection extends ServerConnection<Session> {
  constructor(
    private readonly config: MCPEndpointConfig,
    private readonly createClient: CreateMCPClientFunction,
    options: ConnectionOptions,
  ) {
    super(options);
  }

  protected async open(): Promise<Session> {
    const client = await this.createClient(this.config);
    if (client == null || typeof client.tools !== "function") {
      throw new TypeError("createMCPClient must return a client with a tools() method");
    }
    return { client, tools: {} };
  }

  protected async listTools(session: Session): Promise<RemoteTool[]> {
    const tools = await session.client.tools();
    if (!isPlainObject(tools)) throw new TypeError("tools() did not return an object of tools");
    session.tools = tools as Record<string, MCPTool>;
    return Promise.all(
      Object.entries(session.tools)
        .filter(([, tool]) => tool != null && typeof tool.execute === "function")
        .map(([name, tool]) => remoteTool(name, tool.description, schemaOf(tool))),
    );
  }

  protected async callTool(session: Session, name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolOutcome> {
    const tool = session.tools[name];
    if (tool === undefined) throw new TypeError(`the client has no tool "${name}"`);
    const result = await bounded(tool.execute(args), options.timeoutMs, options.signal);
    const outcome =
      typeof result === "string"
        ? { text: result, isError: false }
        : isPlainObject(result) && Array.isArray(result.content)
          ? toolOutcome(result)
          : { text: JSON.stringify(result) ?? "", isError: false };
    return { ...outcome, text: this.redact(outcome.text) };
  }

  protected async closeSession({ client }: Session): Promise<void> {
    await client.close?.();
  }

  protected classify(error: unknown, during: string): { error: MCPServerError; broken: boolean } {
    const server = this.name;
    const detail = this.redact(error instanceof Error ? error.message : String(error)).slice(0, 500);
    if (error instanceof ToolTimeout) {
      return {
        error: new MCPServerError("timeout", `The MCP server "${server}" did not answer in time while ${during}.`, {
          server,
          cause: error,
        }),
        broken: false,
      };
    }
    const broken = isConnectionError(error);
    const code = broken ? "provider_unavailable" : "provider_error";
    return {
      error: new MCPServerError(code, `The MCP server "${server}" failed while ${during}: ${detail}`, { server, cause: error }),
      broken,
    };
  }
}
