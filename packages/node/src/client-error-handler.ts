import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { ErrorCode } from "@copilot-runtime/protocol";
import { resolveRequestBodyLimits, type RequestBodyLimits } from "./request-body-limits.js";

/** What Node's HTTP parser reports before there is a request to answer (`server.on("clientError")`). */
export type ClientError = Error & { code?: string };

const ANSWERS: Record<string, [number, string, ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    "Request Header Fields Too Large",
    "invalid_request",
    "The request headers are larger than the server accepts (its maxHeaderSize).",
  ],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "Payload Too Large", "payload_too_large", "The request's chunk extensions are too large."],
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    "Request Timeout",
    "request_timeout",
    "The request did not arrive in time (the server's headersTimeout or requestTimeout).",
  ],
};
const BAD_REQUEST: [number, string, ErrorCode, string] = [400, "Bad Request", "invalid_request", "The request is not valid HTTP."];

const bytesRead = (socket: Duplex) => (socket as Partial<Socket>).bytesRead ?? 0;

/**
 * A `clientError` listener for the `node:http` server: `server.on("clientError", copilotRuntimeClientErrorHandler())`.
 *
 * Node answers what its parser refuses (headers over `maxHeaderSize`: 431; `headersTimeout` or
 * `requestTimeout`: 408; malformed HTTP: 400) itself, and then destroys the socket at once: a client
 * still sending (a POST with its body) is reset and may never read the answer. This listener answers
 * the same statuses with the runtime's JSON error body and `Connection: close`, then keeps reading
 * (and throwing away) what the client still sends, up to `discardMaxBytes` and `discardTimeoutMs`,
 * before it closes the connection, so that the client can read the answer.
 */
export function copilotRuntimeClientErrorHandler(
  options?: Pick<RequestBodyLimits, "discardMaxBytes" | "discardTimeoutMs">,
): (error: ClientError, socket: Duplex) => void {
  const { discardMaxBytes, discardTimeoutMs } = resolveRequestBodyLimits(options);
  // each chunk the parser refuses after the first error is reported again: those count towards the discard
  const answered = new WeakMap<Duplex, number>();
  return (error, socket) => {
    const from = answered.get(socket);
    if (from !== undefined) {
      if (bytesRead(socket) - from > discardMaxBytes) socket.destroy();
      return;
    }
    // a response already under way on this connection cannot be followed by another one (what Node checks too)
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage?.headersSent === true;
    if (error.code === "ECONNRESET" || !socket.writable || inFlight) {
      socket.destroy();
      return;
    }
    const [status, reason, code, message] = ANSWERS[error.code ?? ""] ?? BAD_REQUEST;
    const body = JSON.stringify({ error: code, message });
    answered.set(socket, bytesRead(socket));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${new TextEncoder().encode(body).byteLength}\r\n\r\n${body}`,
    );
    if (discardMaxBytes === 0 || discardTimeoutMs === 0) {
      socket.once("finish", () => socket.destroy());
      return;
    }
    const timer = setTimeout(() => socket.destroy(), discardTimeoutMs);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };
}
