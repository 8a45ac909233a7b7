import { ProviderError, type ProviderErrorCode } from "@copilot-runtime/protocol";

/**
 * An MCP server or one of its tools failed: down, too slow, refusing the credentials, answering something malformed,
 * or reporting the tool's own error (`isError`). The message names the server and is written for the LLM and
 * `onError`: it never holds a configured header or key.
 */
export class MCPServerError extends ProviderError {
  override name = "MCPServerError";
  /** The server's name (its tools' prefix). */
  readonly server: string;

  constructor(code: ProviderErrorCode, message: string, options: { server: string; cause?: unknown; providerStatus?: number }) {
    super(code, message, { provider: "mcp", status: 502, cause: options.cause, providerStatus: options.providerStatus });
    this.server = options.server;
  }
}
