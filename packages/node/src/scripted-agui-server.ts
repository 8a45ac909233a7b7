// A small scripted AG-UI agent server for the remote-agent tests (not exported from the package): plain
// node:http, frames written with the real @ag-ui/encoder, one scenario per path (`POST /<scenario>`).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EventEncoder } from "@ag-ui/encoder";
import { EventType, type BaseEvent, type Message, type RunAgentInput } from "@copilot-runtime/protocol";

/** What a scenario answers: AG-UI events (optionally held open or cut), an HTTP error, or raw frames. */
export type AgUiScript =
  | { kind: "events"; events: BaseEvent[]; delayMs?: number; after?: "end" | "hold" | "cut" }
  | { kind: "status"; status: number; body: string; headers?: Record<string, string> }
  | { kind: "frames"; frames: string[] };

export interface RecordedAgUiRequest {
  scenario: string;
  headers: IncomingMessage["headers"];
  input: RunAgentInput;
  /** When the connection closed, ms after the request arrived (undefined while it is open). */
  closedAfterMs?: number;
  /** Whether the server had ended its answer when the connection closed (false: the client went away). */
  finished?: boolean;
}

export interface ScriptedAgUiServer {
  url: string;
  requests: RecordedAgUiRequest[];
  /** Requests whose connection is still open. */
  open(): number;
  /** The most requests that were open at once. */
  peakOpen(): number;
  close(): Promise<void>;
}

const SECRET = "UPSTREAM-SECRET-7f3a";
export const UPSTREAM_SECRET = SECRET;

/** Every AG-UI event type, in a valid order, as one run answering `input`. */
export function everyEventType(input: RunAgentInput): BaseEvent[] {
  const { threadId, runId } = input;
  const answer: Message = {
    id: "a1",
    role: "assistant",
    content: "Hello, world!",
    toolCalls: [{ id: "c1", type: "function", function: { name: "search", arguments: '{"q":"ag-ui"}' } }],
  };
  return [
    { type: EventType.RUN_STARTED, threadId, runId },
    { type: EventType.STEP_STARTED, stepName: "plan" },
    { type: EventType.STATE_SNAPSHOT, snapshot: { count: 0, thread: threadId } },
    { type: EventType.STATE_DELTA, delta: [{ op: "replace", path: "/count", value: 1 }] },
    { type: EventType.REASONING_START, messageId: "r1" },
    { type: EventType.REASONING_MESSAGE_START, messageId: "rm1", role: "reasoning" },
    { type: EventType.REASONING_MESSAGE_CONTENT, messageId: "rm1", delta: "Thinking it over." },
    { type: EventType.REASONING_MESSAGE_END, messageId: "rm1" },
    { type: EventType.REASONING_END, messageId: "r1" },
    { type: EventType.TEXT_MESSAGE_START, messageId: "a1", role: "assistant" },
    { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "a1", delta: "Hello, " },
    { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "a1", delta: "world!" },
    { type: EventType.TEXT_MESSAGE_END, messageId: "a1" },
    { type: EventType.TOOL_CALL_START, toolCallId: "c1", toolCallName: "search", parentMessageId: "a1" },
    { type: EventType.TOOL_CALL_ARGS, toolCallId: "c1", delta: '{"q":' },
    { type: EventType.TOOL_CALL_ARGS, toolCallId: "c1", delta: '"ag-ui"}' },
    { type: EventType.TOOL_CALL_END, toolCallId: "c1" },
    { type: EventType.TOOL_CALL_RESULT, messageId: "t1", toolCallId: "c1", content: "3 results", role: "tool" },
    { type: EventType.ACTIVITY_SNAPSHOT, messageId: "act1", activityType: "progress", content: { percent: 50 } },
    {
      type: EventType.ACTIVITY_DELTA,
      messageId: "act1",
      activityType: "progress",
      patch: [{ op: "replace", path: "/percent", value: 100 }],
    },
    { type: EventType.CUSTOM, name: "note", value: { level: "info" } },
    { type: EventType.RAW, event: { vendor: "scripted", detail: 1 }, source: "scripted" },
    {
      type: EventType.MESSAGES_SNAPSHOT,
      messages: [...input.messages, answer, { id: "t1", role: "tool", toolCallId: "c1", content: "3 results" }],
    },
    { type: EventType.STEP_FINISHED, stepName: "plan" },
    {
      type: EventType.RUN_FINISHED,
      threadId,
      runId,
      usage: [{ provider: "scripted", model: "scripted-1", inputTokens: 11, outputTokens: 7 }],
    } as BaseEvent,
  ];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function respond(script: AgUiScript, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (script.kind === "status") {
    res.writeHead(script.status, { "content-type": "application/json", "x-upstream-secret": SECRET, ...script.headers });
    res.end(script.body);
    return;
  }
  const encoder = new EventEncoder({ accept: req.headers.accept ?? "text/event-stream" });
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "x-upstream-secret": SECRET });
  if (script.kind === "frames") {
    for (const frame of script.frames) res.write(frame);
    res.end();
    return;
  }
  for (const event of script.events) {
    if (res.destroyed) return;
    res.write(encoder.encodeSSE(event));
    if (script.delayMs) await sleep(script.delayMs);
  }
  if (script.after === "hold") return; // until the client goes away
  if (script.after === "cut") {
    res.socket?.destroy();
    return;
  }
  res.end();
}

/** Starts the server on 127.0.0.1, port 0. `scenarios` maps a path's first segment to its script. */
export async function startScriptedAgUiServer(
  scenarios: Record<string, (input: RunAgentInput) => AgUiScript>,
): Promise<ScriptedAgUiServer> {
  const requests: RecordedAgUiRequest[] = [];
  let open = 0;
  let peak = 0;
  const server = createServer((req, res) => {
    const arrived = Date.now();
    open++;
    peak = Math.max(peak, open);
    const scenario = (req.url ?? "/").split("/")[1] ?? "";
    const record: RecordedAgUiRequest = { scenario, headers: req.headers, input: {} as RunAgentInput };
    res.on("close", () => {
      open--;
      record.closedAfterMs = Date.now() - arrived;
      record.finished = res.writableFinished;
    });
    void (async () => {
      record.input = JSON.parse(await readBody(req)) as RunAgentInput;
      requests.push(record);
      const script = scenarios[scenario];
      if (script === undefined) {
        res.writeHead(404).end();
        return;
      }
      await respond(script(record.input), req, res);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    open: () => open,
    peakOpen: () => peak,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
