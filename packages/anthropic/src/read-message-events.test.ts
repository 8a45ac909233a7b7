import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { piecewiseResponse } from "@copilot-runtime/testing";
import { readMessageEvents } from "./read-message-events.js";

const delta = (text: string) =>
  `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })}\n\n`;

async function types(res: Response): Promise<string[]> {
  const out: string[] = [];
  for await (const events of readMessageEvents(res))
    for (const event of events)
      out.push(event.type === "content_block_delta" && event.delta.type === "text_delta" ? event.delta.text : event.type);
  return out;
}

describe("readMessageEvents", () => {
  it("reads named events split anywhere, skips ping and unnamed events, in LF, CRLF and CR framing", async () => {
    const ping = `event: ping\ndata: {"type": "ping"}\n\n`;
    const stop = `event: message_stop\ndata: {"type":"message_stop"}\n\n`;
    const all = `${ping}${delta("Hel")}data: {"unnamed":true}\n\n${delta("lo")}${stop}`;
    expect(await types(piecewiseResponse(all.slice(0, 17), all.slice(17, 60), all.slice(60)).response)).toEqual([
      "Hel",
      "lo",
      "message_stop",
    ]);
    expect(await types(piecewiseResponse(all.replaceAll("\n", "\r\n")).response)).toEqual(["Hel", "lo", "message_stop"]);
    expect(await types(piecewiseResponse(all.replaceAll("\n", "\r")).response)).toEqual(["Hel", "lo", "message_stop"]);
  });

  it("throws the SDK's APIError, with the error's type, for an error event", async () => {
    const error = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
    const events = readMessageEvents(piecewiseResponse(`${delta("a")}event: error\ndata: ${JSON.stringify(error)}\n\n`).response);
    // the event before the error comes first, as a batch of its own
    expect((await events.next()).value).toHaveLength(1);
    const thrown = await events.next().catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    expect((thrown as { type?: unknown }).type).toBe("overloaded_error");
    expect((thrown as Error).message).toContain("Overloaded");
  });

  it("throws a SyntaxError for an event whose data is not JSON, and cancels the body when the consumer stops", async () => {
    expect(
      await readMessageEvents(piecewiseResponse(`event: content_block_delta\ndata: {oops\n\n`).response)
        .next()
        .catch((e: unknown) => e),
    ).toBeInstanceOf(SyntaxError);
    const { response: res, cancelled } = piecewiseResponse(delta("a"), delta("b"));
    const iterator = readMessageEvents(res);
    await iterator.next();
    await iterator.return(undefined);
    expect(await cancelled).toBe(true);
  });
});
