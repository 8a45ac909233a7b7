import { CopilotRuntimeError, RequestError } from "@copilot-runtime/protocol";

/** Strict UTF-8 (no stream state between calls, so one serves every request). */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function tooLarge(maxBytes: number): RequestError {
  return new RequestError("payload_too_large", `Request body exceeds the limit of ${maxBytes} bytes.`, { status: 413 });
}

/**
 * Reads a JSON request body, stopping as soon as it passes `maxBytes`.
 * Answers 415 for a non-JSON content type, 413 for a body over the limit,
 * 400 for invalid UTF-8 or invalid JSON.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const contentType = request.headers.get("content-type");
  if (contentType != null && contentType !== "" && !/\bjson\b/i.test(contentType)) {
    throw new RequestError("unsupported_media_type", `Expected a JSON body (content-type: application/json), got "${contentType}".`, {
      status: 415,
    });
  }
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (request.body == null) throw new RequestError("invalid_json", "Request body is empty; expected JSON.");

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      // a body limit upstream (413) stays what it is; anything else is a body we could not read
      if (cause instanceof CopilotRuntimeError) throw cause;
      throw new RequestError("invalid_request", "The request body could not be read.", { cause });
    }
    const { value, done } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }

  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch (cause) {
    throw new RequestError("invalid_json", "Request body is not valid UTF-8.", { cause });
  }
  if (text.trim() === "") throw new RequestError("invalid_json", "Request body is empty; expected JSON.");
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new RequestError("invalid_json", `Request body is not valid JSON: ${detail}`, { cause });
  }
}
