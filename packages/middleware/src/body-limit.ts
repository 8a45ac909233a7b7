import { ConfigurationError, RequestError, type CopilotRuntimeMiddleware } from "@copilot-runtime/protocol";
import { jsonError } from "./json-error.js";

export interface BodyLimitOptions {
  maxBytes: number;
}

/**
 * Refuses bodies over `maxBytes` with 413: at once when `content-length` says
 * so, else as soon as the streamed body passes the limit (it is never read further).
 */
export function bodyLimit(options: BodyLimitOptions): CopilotRuntimeMiddleware {
  const maxBytes = options?.maxBytes;
  if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new ConfigurationError("bodyLimit: `maxBytes` must be a non-negative integer.");
  const message = `Request body exceeds the limit of ${maxBytes} bytes.`;
  return {
    onRequest({ request }) {
      if (request.body === null) return;
      const declared = Number(request.headers.get("content-length"));
      if (Number.isFinite(declared) && declared > maxBytes) return jsonError(413, "payload_too_large", message);
      let seen = 0;
      const limited = request.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            seen += chunk.byteLength;
            if (seen > maxBytes) controller.error(new RequestError("payload_too_large", message, { status: 413 }));
            else controller.enqueue(chunk);
          },
        }),
      );
      return new Request(request, { body: limited, duplex: "half" } as RequestInit);
    },
  };
}
