import {
  ConfigurationError,
  type ActionContext,
  type ActionDefinition,
  type MCPActionSource,
  type MCPActionSourceOptions,
  type MCPResolveContext,
  type MCPServerConfig,
} from "@copilot-runtime/protocol";
import { CopilotKitConnection } from "./copilotkit-connection.js";
import { MCPServerError } from "./mcp-server-error.js";
import { SdkConnection } from "./sdk-connection.js";
import { checkServerConfig, connectionKey, hostAllowed, isStdioServer, secretsOf, serverName } from "./server-config.js";
import type { ConnectionOptions, RemoteTool, ServerConnection } from "./server-connection.js";
import { assignToolNames, type NamedTool } from "./tool-names.js";

export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_RECONNECT_DELAY_MS = 1000;
export const DEFAULT_MAX_RECONNECT_DELAY_MS = 30_000;
export const DEFAULT_MAX_CONNECTIONS = 100;
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

type Connection = ServerConnection<unknown>;

interface Settings {
  toolTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  maxConnections: number;
  idleTimeoutMs: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(`mcpOptions.${name} must be a positive number, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function settingsOf(options: MCPActionSourceOptions): Settings {
  const maxConnections = positive("maxConnections", options.maxConnections, DEFAULT_MAX_CONNECTIONS);
  if (!Number.isInteger(maxConnections))
    throw new ConfigurationError(`mcpOptions.maxConnections must be an integer, got ${maxConnections}.`);
  return {
    toolTimeoutMs: positive("toolTimeoutMs", options.toolTimeoutMs, DEFAULT_TOOL_TIMEOUT_MS),
    connectTimeoutMs: positive("connectTimeoutMs", options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
    reconnectDelayMs: positive("reconnectDelayMs", options.reconnectDelayMs, DEFAULT_RECONNECT_DELAY_MS),
    maxReconnectDelayMs: positive("maxReconnectDelayMs", options.maxReconnectDelayMs, DEFAULT_MAX_RECONNECT_DELAY_MS),
    maxConnections,
    idleTimeoutMs: positive("idleTimeoutMs", options.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS),
  };
}

function checkOptions(options: MCPActionSourceOptions): void {
  if (options == null || typeof options !== "object") throw new ConfigurationError("mcpActionSource needs an options object { servers }.");
  const { servers, allowedHosts, onProgress, createMCPClient } = options;
  if (typeof servers !== "function" && !Array.isArray(servers)) {
    throw new ConfigurationError("`mcpServers` must be an array of { endpoint } servers or a function of the request returning one.");
  }
  if (Array.isArray(servers)) servers.forEach((server: unknown, index) => checkServerConfig(server, `mcpServers[${index}]`, true));
  if (
    allowedHosts !== undefined &&
    (!Array.isArray(allowedHosts) || allowedHosts.some((host) => typeof host !== "string" || host === ""))
  ) {
    throw new ConfigurationError("mcpOptions.allowedHosts must be an array of host names.");
  }
  if (onProgress !== undefined && typeof onProgress !== "function")
    throw new ConfigurationError("mcpOptions.onProgress must be a function.");
  if (createMCPClient !== undefined && typeof createMCPClient !== "function") {
    throw new ConfigurationError("`createMCPClient` must be a function returning an MCP client.");
  }
  if (createMCPClient !== undefined && Array.isArray(servers) && servers.some((server) => isStdioServer(server))) {
    throw new ConfigurationError("`createMCPClient` takes { endpoint } servers; a stdio server ({ command }) needs the MCP SDK's client.");
  }
}

/**
 * The tools of MCP servers as actions: what core loads for `mcpServers`. Servers configured as a list are connected
 * once and kept; servers from the per-request function get one connection per endpoint and headers, kept in a bounded
 * pool and closed when idle. A server that is down, too slow or answers nonsense is left out of the request's actions
 * (and reported to `onError`), never failing the request; it is tried again with exponential backoff.
 */
export function mcpActionSource(options: MCPActionSourceOptions): MCPActionSource {
  checkOptions(options);
  const settings = settingsOf(options);
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // a failing reporter changes nothing
    }
  };

  const connect = (config: MCPServerConfig): Connection => {
    const connectionOptions: ConnectionOptions = {
      name: serverName(config),
      secrets: secretsOf(config),
      connectTimeoutMs: settings.connectTimeoutMs,
      reconnectDelayMs: settings.reconnectDelayMs,
      maxReconnectDelayMs: settings.maxReconnectDelayMs,
      onError: report,
    };
    if (options.createMCPClient !== undefined && !isStdioServer(config)) {
      return new CopilotKitConnection(config, options.createMCPClient, connectionOptions) as Connection;
    }
    return new SdkConnection(config, connectionOptions) as Connection;
  };

  const fixed = typeof options.servers === "function" ? [] : options.servers.map(connect);
  const pool = new Map<string, Connection>();

  function pooled(config: MCPServerConfig): Connection {
    const key = connectionKey(config);
    let connection = pool.get(key);
    if (connection === undefined) {
      connection = connect(config);
      pool.set(key, connection);
    }
    return connection;
  }

  /** Closes idle pooled connections, then the least recently used ones beyond `maxConnections`. */
  function prune(): void {
    const now = Date.now();
    const entries = [...pool].toSorted(([, a], [, b]) => a.lastUsed - b.lastUsed);
    let excess = pool.size - settings.maxConnections;
    for (const [key, connection] of entries) {
      if (excess > 0 || now - connection.lastUsed > settings.idleTimeoutMs) {
        pool.delete(key);
        excess--;
        void connection.close();
      }
    }
  }

  async function requested(context: MCPResolveContext): Promise<Connection[]> {
    const serversFor = options.servers as Exclude<MCPActionSourceOptions["servers"], readonly unknown[]>;
    let servers: readonly unknown[];
    try {
      const returned: unknown = await serversFor({
        request: context.request,
        properties: context.properties,
        url: context.url,
        ...(context.identity ? { identity: context.identity } : {}),
      });
      if (!Array.isArray(returned)) throw new ConfigurationError("The `mcpServers` function must return an array of { endpoint } servers.");
      servers = returned;
    } catch (error) {
      report(error);
      return [];
    }
    const connections: Connection[] = [];
    servers.forEach((config, index) => {
      try {
        checkServerConfig(config, `mcpServers(request)[${index}]`, false);
        const endpoint = (config as { endpoint: string }).endpoint;
        if (options.allowedHosts !== undefined && !hostAllowed(endpoint, options.allowedHosts)) {
          throw new ConfigurationError(
            `mcpServers(request)[${index}]: the host ${JSON.stringify(new URL(endpoint).host)} is not in mcpOptions.allowedHosts; ` +
              "it was not contacted.",
          );
        }
        connections.push(pooled(config));
      } catch (error) {
        report(error);
      }
    });
    prune();
    return connections;
  }

  function action(name: string, entry: NamedTool<{ connection: Connection; tool: RemoteTool }>): ActionDefinition {
    const { connection, tool } = entry.tool;
    return {
      name,
      description: tool.description || `The "${tool.name}" tool of the MCP server "${connection.name}".`,
      parameters: tool.inputSchema,
      handler: async (args: Record<string, unknown>, context: ActionContext) => {
        const check = tool.validate?.(args);
        if (check !== undefined && !check.valid) {
          return `Error: invalid arguments for "${name}": ${check.errorMessage}. Call it again with arguments that match its schema.`;
        }
        const onProgress = options.onProgress;
        const outcome = await connection.call(tool.name, args, {
          signal: context.signal,
          timeoutMs: settings.toolTimeoutMs,
          ...(context.traceHeaders !== undefined ? { traceMeta: context.traceHeaders } : {}),
          ...(onProgress
            ? {
                onProgress: (progress) => {
                  try {
                    onProgress({
                      server: connection.name,
                      tool: tool.name,
                      action: name,
                      toolCallId: context.toolCallId,
                      threadId: context.threadId,
                      runId: context.runId,
                      ...progress,
                    });
                  } catch {
                    // a failing progress listener changes nothing
                  }
                },
              }
            : {}),
        });
        if (outcome.isError) {
          throw new MCPServerError(
            "provider_error",
            `The MCP tool "${tool.name}" (server "${connection.name}") reported an error: ${outcome.text}`,
            {
              server: connection.name,
            },
          );
        }
        return outcome.text;
      },
    };
  }

  return {
    async resolve(context: MCPResolveContext): Promise<ActionDefinition[]> {
      const connections = typeof options.servers === "function" ? await requested(context) : fixed;
      const lists = await Promise.all(connections.map((connection) => connection.tools()));
      const tools: NamedTool<{ connection: Connection; tool: RemoteTool }>[] = [];
      connections.forEach((connection, index) => {
        for (const tool of lists[index] ?? []) tools.push({ server: connection.name, name: tool.name, tool: { connection, tool } });
      });
      return [...assignToolNames(tools, context.reservedNames)].map(([name, entry]) => action(name, entry));
    },
    async close(): Promise<void> {
      const all = [...fixed, ...pool.values()];
      pool.clear();
      await Promise.all(all.map((connection) => connection.close()));
    },
  };
}
