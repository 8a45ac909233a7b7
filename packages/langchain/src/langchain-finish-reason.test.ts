import { describe, expect, it } from "vitest";
import { LangChainResultReader } from "./langchain-result.js";

async function finishOf(chunks: object[]): Promise<unknown> {
  async function* stream() {
    yield* chunks;
  }
  const parts = [];
  for await (const part of new LangChainResultReader().read(stream(), new AbortController().signal)) parts.push(part);
  return parts.at(-1);
}

describe("the finish reason a LangChain model reports", () => {
  it.each([
    [{ finish_reason: "length" }, "length"],
    [{ stop_reason: "max_tokens" }, "length"],
    [{ finish_reason: "content_filter" }, "content_filter"],
    [{ finish_reason: "error" }, "error"],
    [{ stop_reason: "end_turn" }, "stop"],
    [{ finish_reason: "something_new" }, "other"],
  ])("%o becomes %s", async (metadata, reason) => {
    expect(
      await finishOf([
        { content: "Hi", response_metadata: {} },
        { content: "", response_metadata: metadata },
      ]),
    ).toEqual({
      type: "finish",
      reason,
    });
  });

  it("is tool_calls when the model stopped normally after calling tools, and stop without any report", async () => {
    const call = {
      content: "",
      tool_call_chunks: [{ index: 0, id: "c1", name: "lookup", args: "{}" }],
      response_metadata: { finish_reason: "stop" },
    };
    expect(await finishOf([call])).toEqual({ type: "finish", reason: "tool_calls" });
    expect(await finishOf([{ content: "Hi" }])).toEqual({ type: "finish", reason: "stop" });
  });
});
