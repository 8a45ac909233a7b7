import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  errorStatus,
  isConnectionError,
  providerErrorCodeForStatus,
  type MCPEndpointConfig,
  type MCPStdioServerConfig,
} from "@copilot-runtime/protocol";
import { loadSdk, loadStdio, type MCPSdk } from "./mcp-sdk.js";
import { MCPServerError } from "./mcp-server-error.js";
import { isStdioServer, requestHeaders } from "./server-config.js";
import { ServerConnection, remoteTool, type CallOptions, type ConnectionOptions, type RemoteTool } from "./server-connection.js";
import { toolOutcome, type ToolOutcome } from "./tool-result.js";

const CLIENT_INFO = { name: "copilot-runtime", version: "0.1.0" };
/** JSON-RPC codes the SDK raises itself: the connection closed, a request timed out. */
const CONNECTION_CLOSED = -32000;
const REQUEST_TIMEOUT = -32001;
/** Streamable HTTP statuses after which the older HTTP+SSE transport is tried (the spec's backwards compatibility). */
const FALL_BACK_TO_SSE = new Set([400, 404, 405]);

interface Session {
  client: Client;
  sdk: MCPSdk;
  /** "streamable-http", "sse" or "stdio". */
  transport: string;
  /** The calls in flight, failed at once when the server turns out to be gone. */
  inflight: Set<AbortController>;
  /** A liveness check is running. */
  checking: boolean;
}

/** The server went away while a call was in flight (its answer stream broke and it no longer answers a ping). */
class ConnectionLost extends Error {
  override name = "ConnectionLost";
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`.slice(0, 500);
}

/** A server reached with the official SDK's client: Streamable HTTP, falling back to HTTP+SSE; or stdio. */
export class SdkConnection extends ServerConnection<Session> {
  /** The transport of the current connection, for tests and diagnostics. */
  transport: string | undefined;

  constructor(
    private readonly config: MCPEndpointConfig | MCPStdioServerConfig,
    options: ConnectionOptions,
  ) {
    super(options);
  }

  protected async open(): Promise<Session> {
    const sdk = await loadSdk();
    if (isStdioServer(this.config)) {
      const StdioClientTransport = await loadStdio();
      const { command, args, env, cwd } = this.config;
      const transport = new StdioClientTransport({
        command,
        args: [...(args ?? [])],
        stderr: "ignore",
        ...(env ? { env } : {}),
        ...(cwd ? { cwd } : {}),
      });
      return this.connect(sdk, transport, "stdio");
    }
    const url = new URL(this.config.endpoint);
    const requestInit: RequestInit = { headers: requestHeaders(this.config) };
    try {
      return await this.connect(sdk, new sdk.StreamableHTTPClientTransport(url, { requestInit }), "streamable-http");
    } catch (error) {
      const status = error instanceof sdk.StreamableHTTPError ? error.code : undefined;
      if (status === undefined || !FALL_BACK_TO_SSE.has(status)) throw error;
      return this.connect(sdk, new sdk.SSEClientTransport(url, { requestInit }), "sse");
    }
  }

  private async connect(sdk: MCPSdk, transport: Transport, kind: string): Promise<Session> {
    const client = new sdk.Client(CLIENT_INFO, { capabilities: {} });
    client.setNotificationHandler(sdk.ToolListChangedNotificationSchema, () => this.toolsChanged());
    try {
      await client.connect(transport, { timeout: this.options.connectTimeoutMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    const session: Session = { client, sdk, transport: kind, inflight: new Set(), checking: false };
    const opened = Promise.resolve(session);
    // oxlint-disable-next-line unicorn/prefer-add-event-listener -- the SDK's Client has only these callbacks
    client.onclose = () => {
      this.connectionClosed(opened);
      this.failInflight(session);
    };
    // A stream that broke (the server crashed, or a proxy cut it): the SDK leaves the calls on it waiting until their
    // timeout. A ping tells which: a server that does not answer is gone, and its calls fail now.
    // oxlint-disable-next-line unicorn/prefer-add-event-listener -- the SDK's Client has only these callbacks
    client.onerror = () => {
      if (session.checking || session.inflight.size === 0) return;
      session.checking = true;
      client.ping({ timeout: this.options.connectTimeoutMs }).then(
        () => void (session.checking = false),
        () => {
          this.connectionClosed(opened);
          this.failInflight(session);
          void client.close().catch(() => undefined);
        },
      );
    };
    this.transport = kind;
    return opened;
  }

  protected async listTools({ client }: Session): Promise<RemoteTool[]> {
    const tools: RemoteTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor !== undefined ? { cursor } : undefined, { timeout: this.options.connectTimeoutMs });
      for (const tool of page.tools) tools.push(await remoteTool(tool.name, tool.description ?? tool.title, tool.inputSchema));
      cursor = page.nextCursor;
    } while (cursor !== undefined && tools.length < 10_000);
    return tools;
  }

  private failInflight(session: Session): void {
    for (const call of session.inflight) call.abort(new ConnectionLost("the connection to the server was lost"));
  }

  protected async callTool(session: Session, name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolOutcome> {
    const lost = new AbortController();
    session.inflight.add(lost);
    try {
      return await this.request(session.client, name, args, { ...options, signal: AbortSignal.any([options.signal, lost.signal]) });
    } catch (error) {
      // the SDK reports an aborted request as a timeout; say what happened
      throw lost.signal.aborted && !options.signal.aborted ? (lost.signal.reason as Error) : error;
    } finally {
      session.inflight.delete(lost);
    }
  }

  private async request(client: Client, name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolOutcome> {
    const onProgress = options.onProgress;
    const params = { name, arguments: args, ...(options.traceMeta !== undefined ? { _meta: { ...options.traceMeta } } : {}) };
    const result = await client.callTool(params, undefined, {
      signal: options.signal,
      timeout: options.timeoutMs,
      ...(onProgress
        ? {
            onprogress: (progress: { progress: number; total?: number; message?: string }) =>
              onProgress({
                progress: progress.progress,
                ...(progress.total !== undefined ? { total: progress.total } : {}),
                ...(progress.message !== undefined ? { message: this.redact(progress.message) } : {}),
              }),
          }
        : {}),
    });
    const outcome = toolOutcome(result);
    return { ...outcome, text: this.redact(outcome.text) };
  }

  protected async closeSession({ client }: Session): Promise<void> {
    await client.close();
  }

  protected classify(error: unknown, during: string): { error: MCPServerError; broken: boolean } {
    const server = this.name;
    const fail = (code: ConstructorParameters<typeof MCPServerError>[0], message: string, broken: boolean, providerStatus?: number) => ({
      error: new MCPServerError(code, this.redact(message), {
        server,
        cause: error,
        ...(providerStatus !== undefined ? { providerStatus } : {}),
      }),
      broken,
    });
    if (error instanceof ConnectionLost) {
      return fail("provider_unavailable", `The MCP server "${server}" went away while ${during}.`, true);
    }
    const code = typeof (error as { code?: unknown })?.code === "number" ? (error as { code: number }).code : undefined;
    const isMcpError = error instanceof Error && error.name === "McpError";
    if (isMcpError && code === REQUEST_TIMEOUT) {
      return fail("timeout", `The MCP server "${server}" did not answer in time while ${during}; the request was cancelled.`, false);
    }
    if (isMcpError && code === CONNECTION_CLOSED) {
      return fail("provider_unavailable", `The connection to the MCP server "${server}" closed while ${during}.`, true);
    }
    if (isMcpError) {
      return fail("provider_error", `The MCP server "${server}" answered an error while ${during}: ${reason(error)}`, false);
    }
    const status = error instanceof Error && error.constructor.name === "StreamableHTTPError" ? code : errorStatus(error);
    if (status !== undefined && status >= 400) {
      const codeForStatus = providerErrorCodeForStatus(status);
      const what = status === 401 || status === 403 ? "refused the credentials" : `answered HTTP ${status}`;
      // 404: the server forgot the session (it restarted); connect again
      return fail(codeForStatus, `The MCP server "${server}" ${what} while ${during}.`, true, status);
    }
    if (isConnectionError(error)) {
      return fail("provider_unavailable", `The MCP server "${server}" could not be reached while ${during}: ${reason(error)}`, true);
    }
    return fail("provider_error", `The MCP server "${server}" sent a malformed response while ${during}: ${reason(error)}`, true);
  }
}
