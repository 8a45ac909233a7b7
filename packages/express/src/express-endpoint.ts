import type { IncomingMessage, ServerResponse } from "node:http";
import type { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint, writeFetchResponse, type RequestBodyLimits } from "@copilot-runtime/node";
import { ConfigurationError, jsonErrorResponse, type ErrorCode, type ServiceAdapter } from "@copilot-runtime/protocol";

export interface ExpressEndpointOptions extends RequestBodyLimits {
  runtime: CopilotRuntime;
  /** The LLM of the built-in `default` agent; optional when the runtime has `agents`. */
  serviceAdapter?: ServiceAdapter;
  /** The full path the runtime is served at, e.g. "/api/copilotkit" (match your `app.use` path). */
  endpoint: string;
}

/** The request as Express hands it over (structural, so no Express types are needed). */
export type ExpressLikeRequest = IncomingMessage & { body?: unknown; originalUrl?: string };
export type ExpressLikeNext = (error?: unknown) => void;

/**
 * An Express (4 or 5) handler: `app.use("/api/copilotkit", copilotRuntimeExpressEndpoint({ ... }))`.
 * Works with or without `express.json()` before it (a parsed `req.body` is used,
 * never waited for), streams without buffering, and aborts the run when the client goes away.
 * A body it reads itself that is slower than `bodyTimeoutMs` is answered 408; an answer sent before the
 * body was read to its end (a 413 over `maxBodyBytes`) goes out with `Connection: close` while the rest
 * of the body is discarded (`discardMaxBytes`, `discardTimeoutMs`), so that the client can read it.
 */
export function copilotRuntimeExpressEndpoint(
  options: ExpressEndpointOptions,
): (req: ExpressLikeRequest, res: ServerResponse, next?: ExpressLikeNext) => void {
  if (typeof options?.runtime?.handler !== "function")
    throw new ConfigurationError("copilotRuntimeExpressEndpoint needs a `runtime`: a CopilotRuntime instance.");
  if (typeof options.endpoint !== "string")
    throw new ConfigurationError('copilotRuntimeExpressEndpoint needs an `endpoint`, e.g. "/api/copilotkit".');
  const handle = copilotRuntimeNodeHttpEndpoint(options);
  return (req, res, next) => {
    handle(req, res).catch((error: unknown) => {
      if (next) next(error);
    });
  };
}

/** What body-parser (`express.json()`) throws. */
interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

const PARSER_ERRORS: Record<string, [number, ErrorCode, string]> = {
  "entity.parse.failed": [400, "invalid_json", "Request body is not valid JSON"],
  "entity.too.large": [413, "payload_too_large", "Request body is too large"],
  "encoding.unsupported": [415, "unsupported_media_type", "Unsupported body encoding"],
  "charset.unsupported": [415, "unsupported_media_type", "Unsupported body charset"],
};

/**
 * An Express error handler that answers body-parser failures (from an
 * `express.json()` mounted before the runtime) in the runtime's JSON shape:
 * `app.use("/api/copilotkit", copilotRuntimeExpressEndpoint({ ... }), copilotRuntimeExpressErrorHandler())`.
 * Other errors go on to the next error handler.
 */
export function copilotRuntimeExpressErrorHandler(): (
  error: unknown,
  req: ExpressLikeRequest,
  res: ServerResponse,
  next: ExpressLikeNext,
) => void {
  return (error, _req, res, next) => {
    const known = PARSER_ERRORS[(error as BodyParserError | null)?.type ?? ""];
    if (!known || res.headersSent) return next(error);
    const [status, code, message] = known;
    const detail = `${message}: ${(error as BodyParserError).message ?? ""}`.trim();
    void writeFetchResponse(jsonErrorResponse(status, code, detail), res).catch(() => res.end());
  };
}
