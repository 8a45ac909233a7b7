import type { ActionDefinition, Identity } from "./action.js";

/**
 * An MCP server reached over HTTP (`CopilotRuntime`'s `mcpServers` option): CopilotKit's `{ endpoint, apiKey }`
 * plus `headers`. Streamable HTTP is tried first; a server that only speaks the older HTTP+SSE transport is
 * reached over that.
 */
export interface MCPEndpointConfig {
  /** The server's http(s) URL, e.g. "https://mcp.example.com/mcp" (or its SSE endpoint, ".../sse"). */
  endpoint: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Sent with every request to the server (e.g. the end user's token). Never logged, never echoed. */
  headers?: Record<string, string>;
  /** Prefix of this server's tools when a name clashes (default: from the endpoint's host). */
  name?: string;
}

/** An MCP server started as a child process over stdio. Only in code (`mcpServers` as an array), never from a request. */
export interface MCPStdioServerConfig {
  command: string;
  args?: readonly string[];
  /** The child's environment (the SDK's safe default environment when left out). */
  env?: Record<string, string>;
  cwd?: string;
  /** Prefix of this server's tools when a name clashes (default: the command's file name). */
  name?: string;
}

export type MCPServerConfig = MCPEndpointConfig | MCPStdioServerConfig;

/** What the `mcpServers` function receives for each request. */
export interface MCPServersContext {
  /** The incoming HTTP request (absent for `process()` runs): read the end user's token from it. */
  request: Request | undefined;
  /** The run's properties (server properties, `forwardedProps`, middleware replacements). */
  properties: Record<string, unknown>;
  url: string | undefined;
  /** The verified caller, when an auth middleware set one. */
  identity?: Identity;
}

/**
 * MCP servers whose tools are server-side actions: a list configured in code, or a function of the request
 * returning HTTP servers (so that headers can carry the end user's token). Endpoints never come from the client.
 */
export type MCPServersOption =
  readonly MCPServerConfig[] | ((context: MCPServersContext) => readonly MCPEndpointConfig[] | Promise<readonly MCPEndpointConfig[]>);

/** A tool of a CopilotKit-style MCP client (`createMCPClient`). */
export interface MCPTool {
  description?: string;
  schema?: {
    parameters?: {
      properties?: Record<string, unknown>;
      required?: string[];
      jsonSchema?: Record<string, unknown>;
    };
  };
  execute(params: Record<string, unknown>): Promise<unknown>;
}

/** CopilotKit's MCP client contract: the tools by name, and an optional `close`. */
export interface MCPClient {
  tools(): Promise<Record<string, MCPTool>>;
  close?(): Promise<void>;
}

/** CopilotKit's `createMCPClient`: the app's own MCP client for a configured endpoint. */
export type CreateMCPClientFunction = (config: MCPEndpointConfig) => Promise<MCPClient>;

/** A progress notification of a running MCP tool (`notifications/progress`). */
export interface MCPToolProgress {
  /** The server's name (its prefix) and the tool's name on that server. */
  server: string;
  tool: string;
  /** The action name the LLM called and its tool call, run and thread. */
  action: string;
  toolCallId: string;
  threadId: string;
  runId: string;
  progress: number;
  total?: number;
  message?: string;
}

/** Tuning of the MCP action source (`CopilotRuntime`'s `mcpOptions`). */
export interface MCPOptions {
  /**
   * Hosts the `mcpServers` function may return (`"mcp.example.com"`, `"*.example.com"`, `"127.0.0.1:8080"`).
   * A server outside the list is not contacted; `onError` reports it.
   */
  allowedHosts?: readonly string[];
  /** A tool call that has not answered after this long is cancelled and fails. Default 60 000 ms. */
  toolTimeoutMs?: number;
  /** Connecting to a server and listing its tools, each. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** First wait before reconnecting to a server that failed; doubled on each failure up to `maxReconnectDelayMs`. Default 1000. */
  reconnectDelayMs?: number;
  /** Default 30 000 ms. */
  maxReconnectDelayMs?: number;
  /** Connections kept for servers from the `mcpServers` function (one per endpoint and headers). Default 100. */
  maxConnections?: number;
  /** Such a connection unused for this long is closed. Default 300 000 ms. */
  idleTimeoutMs?: number;
  /** Called for every progress notification of a running tool, e.g. to forward it to a UI. */
  onProgress?: (progress: MCPToolProgress) => void;
}

/** What core gives the MCP action source for each request. */
export interface MCPResolveContext extends MCPServersContext {
  /** Names already taken by the app's actions and LangServe chains: a tool with one of them gets its server's prefix. */
  reservedNames: ReadonlySet<string>;
}

/** What `@copilot-runtime/mcp` gives core: the tools of the configured servers as actions, per request. */
export interface MCPActionSource {
  /** The tools of the servers that are up; a server that is down is left out and reported, never thrown. */
  resolve(context: MCPResolveContext): Promise<ActionDefinition[]>;
  /** Closes every connection (`CopilotRuntime.close()`). */
  close(): Promise<void>;
}

/** What `mcpActionSource` is built from. */
export interface MCPActionSourceOptions extends MCPOptions {
  servers: MCPServersOption;
  createMCPClient?: CreateMCPClientFunction;
  /** Failures that do not fail the run (a server down, a tool list that could not be read): the runtime's `onError`. */
  onError?: (error: unknown) => void;
}
