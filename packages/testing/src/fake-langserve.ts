import type { IncomingMessage, ServerResponse } from "node:http";
import { startServer, type RecordedRequest, type StartedServer } from "./http-server.js";

/** A FastAPI validation error entry, as LangServe answers with 422. */
export interface ValidationDetail {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

/** One chain of a fake LangServe server. */
export interface FakeChain {
  /** Served at `{path}/input_schema` (pydantic's JSON Schema of the input). */
  inputSchema: Record<string, unknown>;
  /** The chain's output for an input (`/invoke`). */
  invoke: (input: unknown) => unknown;
  /** The chunks `/stream` sends; default: the invoke output as one chunk. */
  stream?: (input: unknown) => unknown[];
  /** Validation errors for an input (answered 422), or undefined when valid. */
  validate?: (input: unknown) => ValidationDetail[] | undefined;
  /** After this many data events, `/stream` sends `event: error` and ends. */
  streamErrorAfter?: number;
}

export interface FakeLangServe {
  /** The server origin; a chain at "/joke" is at `${url}/joke`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Takes the server down (connections refused) until `start()`. */
  stop(): Promise<void>;
  /** Brings it back on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const CRLF = "\r\n";
const sse = (event: string, data?: string) => `event: ${event}${CRLF}${data !== undefined ? `data: ${data}${CRLF}` : ""}${CRLF}`;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** A serialized LangChain AI message, as LangServe sends one. */
export function serializedAIMessage(content: string, chunk = false): Record<string, unknown> {
  return {
    content,
    additional_kwargs: {},
    response_metadata: {},
    type: chunk ? "AIMessageChunk" : "ai",
    name: null,
    id: `run-${crypto.randomUUID()}`,
    example: false,
    tool_calls: [],
    invalid_tool_calls: [],
    usage_metadata: null,
    ...(chunk ? { tool_call_chunks: [] } : {}),
  };
}

/**
 * A fake LangServe (FastAPI) server on 127.0.0.1: `{chain}/input_schema`,
 * `/invoke` and `/stream` with sse-starlette's CRLF framing
 * (`event: metadata|data|end|error`), 422 `{detail: [...]}` validation errors.
 */
export async function createFakeLangServe(chains: Record<string, FakeChain>): Promise<FakeLangServe> {
  const requests: RecordedRequest[] = [];
  const handler = (_req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => {
    const path = recorded.path.split("?")[0] ?? "";
    const match = /^(.*)\/(input_schema|invoke|stream)$/.exec(path);
    const chain = match ? chains[match[1] ?? ""] : undefined;
    if (!match || chain === undefined) return json(res, 404, { detail: "Not Found" });
    const endpoint = match[2];
    if (endpoint === "input_schema") {
      if (recorded.method !== "GET") return json(res, 405, { detail: "Method Not Allowed" });
      return json(res, 200, chain.inputSchema);
    }
    if (recorded.method !== "POST") return json(res, 405, { detail: "Method Not Allowed" });
    const body = recorded.body as { input?: unknown } | undefined;
    if (body == null || typeof body !== "object" || !("input" in body)) {
      return json(res, 422, { detail: [{ type: "missing", loc: ["body", "input"], msg: "Field required", input: body ?? null }] });
    }
    const invalid = chain.validate?.(body.input);
    if (invalid) return json(res, 422, { detail: invalid });
    const runId = crypto.randomUUID();
    if (endpoint === "invoke")
      return json(res, 200, { output: chain.invoke(body.input), metadata: { run_id: runId, feedback_tokens: [] } });

    const chunks = chain.stream ? chain.stream(body.input) : [chain.invoke(body.input)];
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    for (const [index, chunk] of chunks.entries()) {
      if (chain.streamErrorAfter === index) {
        // Python's json.dumps spacing, as LangServe sends it
        res.end(sse("error", '{"status_code": 500, "message": "Internal Server Error"}'));
        return;
      }
      if (index === 0) res.write(sse("metadata", `{"run_id": "${runId}"}`));
      res.write(sse("data", JSON.stringify(chunk)));
    }
    res.end(sse("end"));
  };

  let server: StartedServer | undefined = await startServer(handler, requests);
  const port = Number(new URL(server.url).port);
  return {
    url: server.url,
    requests,
    async stop() {
      await server?.close();
      server = undefined;
    },
    async start() {
      server ??= await startServer(handler, requests, port);
    },
    async close() {
      await server?.close();
      server = undefined;
    },
  };
}
