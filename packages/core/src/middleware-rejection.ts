import { ConfigurationError, CopilotRuntimeError } from "@copilot-runtime/protocol";

/**
 * Thrown from `onBeforeRequest` to refuse a request with a given HTTP status
 * and a message the client may see.
 */
export class MiddlewareRejection extends CopilotRuntimeError {
  override name = "MiddlewareRejection";
  constructor(status: number, message: string, options: { cause?: unknown } = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new ConfigurationError(`MiddlewareRejection status must be an HTTP error status (400-599), got ${status}.`);
    }
    super("middleware_rejected", message, { status, cause: options.cause });
  }
}
