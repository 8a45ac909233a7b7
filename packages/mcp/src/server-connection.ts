import { isAbortError, isPlainObject, redactErrorSecrets, redactSecrets, type ObjectJSONSchema } from "@copilot-runtime/protocol";
import { argumentsValidator, type ArgumentsValidator } from "./mcp-sdk.js";
import { MCPServerError } from "./mcp-server-error.js";
import type { ToolOutcome } from "./tool-result.js";

/** A tool as a server lists it, with its input schema (and a validator for it, when the SDK's Ajv is there). */
export interface RemoteTool {
  name: string;
  description: string;
  inputSchema: ObjectJSONSchema;
  validate: ArgumentsValidator | undefined;
}

export interface ToolProgress {
  progress: number;
  total?: number;
  message?: string;
}

export interface CallOptions {
  signal: AbortSignal;
  timeoutMs: number;
  onProgress?: (progress: ToolProgress) => void;
  /** The call's trace context (`traceparent`, `tracestate`), sent in the request's `_meta` when telemetry is on. */
  traceMeta?: Readonly<Record<string, string>>;
}

export interface ConnectionOptions {
  /** The server's name: its tools' prefix, and how errors name it. */
  name: string;
  /** Values removed from every error and result (the configured key and header values). */
  secrets: readonly string[];
  connectTimeoutMs: number;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  /** A failure to connect or list the tools (once per attempt, not again while waiting to retry). */
  onError: (error: MCPServerError) => void;
}

/** A tool's input schema as an object schema the LLM providers take (`type: "object"`, `properties`, no `$schema`). */
export function objectSchema(schema: unknown): ObjectJSONSchema {
  const { $schema: _ignored, ...rest } = isPlainObject(schema) ? schema : {};
  return { ...rest, type: "object", properties: isPlainObject(rest.properties) ? (rest.properties as ObjectJSONSchema["properties"]) : {} };
}

export async function remoteTool(name: string, description: string | undefined, inputSchema: unknown): Promise<RemoteTool> {
  const schema = objectSchema(inputSchema);
  return { name, description: description ?? "", inputSchema: schema, validate: await argumentsValidator(schema) };
}

/**
 * One server's connection, kept across requests: connected on first use, its tool list read once and cached
 * (until the server says it changed, or the connection is made again), and made again after it broke, with
 * exponential backoff between failed attempts. While a server is down, `tools()` is `undefined` at once
 * (no request waits on it) and it is tried again when the backoff has passed.
 */
export abstract class ServerConnection<Session> {
  lastUsed = Date.now();
  private session: Promise<Session> | undefined;
  private cachedTools: Promise<readonly RemoteTool[] | undefined> | undefined;
  private failures = 0;
  private retryAt = 0;
  private closed = false;

  constructor(protected readonly options: ConnectionOptions) {}

  get name(): string {
    return this.options.name;
  }

  protected abstract open(): Promise<Session>;
  protected abstract listTools(session: Session): Promise<RemoteTool[]>;
  protected abstract callTool(session: Session, name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolOutcome>;
  protected abstract closeSession(session: Session): Promise<void>;
  /** The error a failure becomes; `broken` when the connection must be made again. */
  protected abstract classify(error: unknown, during: string): { error: MCPServerError; broken: boolean };

  /** The server's tools, or `undefined` while it is unavailable (reported to `onError` once per failed attempt). */
  tools(): Promise<readonly RemoteTool[] | undefined> {
    this.lastUsed = Date.now();
    if (this.cachedTools === undefined) {
      if (this.closed || (this.failures > 0 && Date.now() < this.retryAt)) return Promise.resolve(undefined);
      const loading = this.loadTools();
      this.cachedTools = loading;
      void loading.then((tools) => {
        if (tools === undefined && this.cachedTools === loading) this.cachedTools = undefined;
      });
    }
    return this.cachedTools;
  }

  /** Calls a tool; every failure is an `MCPServerError` (an abort stays an abort). */
  async call(name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolOutcome> {
    this.lastUsed = Date.now();
    // connected again if it broke since the run started (unless it is waiting to retry)
    if (this.session === undefined && !this.closed) await this.tools();
    const session = this.session;
    if (session === undefined || this.closed) {
      throw new MCPServerError("provider_unavailable", `The MCP server "${this.name}" is not connected; the tool "${name}" was not run.`, {
        server: this.name,
      });
    }
    try {
      return await this.callTool(await session, name, args, options);
    } catch (error) {
      if (options.signal.aborted || isAbortError(error)) throw error;
      const { error: failure, broken } = this.classify(this.redacted(error), `calling the tool "${name}"`);
      if (broken) this.drop(session);
      throw failure;
    }
  }

  /** The server said its tool list changed: read it again on the next request. */
  protected toolsChanged(): void {
    this.cachedTools = undefined;
  }

  /** The connection closed (the server went away): connect again on the next request. */
  protected connectionClosed(session: Promise<Session>): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.cachedTools = undefined;
  }

  protected redacted(error: unknown): unknown {
    redactErrorSecrets(error, this.options.secrets);
    return error;
  }

  protected redact(text: string): string {
    return redactSecrets(text, this.options.secrets);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cachedTools = undefined;
    const session = this.session;
    this.session = undefined;
    if (session !== undefined) await this.closeQuietly(session);
  }

  private async loadTools(): Promise<readonly RemoteTool[] | undefined> {
    let session = this.session;
    try {
      if (session === undefined) {
        session = this.open();
        this.session = session;
      }
      const tools = await this.listTools(await session);
      this.failures = 0;
      return tools;
    } catch (error) {
      if (session !== undefined) this.drop(session);
      const delay = Math.min(this.options.reconnectDelayMs * 2 ** this.failures, this.options.maxReconnectDelayMs);
      this.failures++;
      this.retryAt = Date.now() + delay;
      const { error: failure } = this.classify(this.redacted(error), "connecting and listing its tools");
      try {
        this.options.onError(failure);
      } catch {
        // a failing reporter changes nothing
      }
      return undefined;
    }
  }

  private drop(session: Promise<Session>): void {
    if (this.session === session) {
      this.session = undefined;
      this.cachedTools = undefined;
    }
    void this.closeQuietly(session);
  }

  private async closeQuietly(session: Promise<Session>): Promise<void> {
    try {
      await this.closeSession(await session);
    } catch {
      // it is gone either way
    }
  }
}
