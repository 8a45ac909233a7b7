import { describe, expect, it } from "vitest";
import { toTemplateProviderMessages } from "./convert-messages.js";

describe("toTemplateProviderMessages", () => {
  it("keeps each tool result right after its call and drops orphans", () => {
    const call = (id: string) => ({ id, type: "function" as const, function: { name: "lookup", arguments: '{"city":"Paris"}' } });
    expect(
      toTemplateProviderMessages([
        { id: "s", role: "system", content: "Be brief." },
        { id: "u", role: "user", content: "Weather?" },
        { id: "a", role: "assistant", content: "", toolCalls: [call("c1"), call("unanswered")] },
        { id: "x", role: "tool", toolCallId: "orphan", content: "lost" },
        { id: "t", role: "tool", toolCallId: "c1", content: "sunny" },
      ]),
    ).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather?" },
      { role: "assistant", content: null, tool_calls: [call("c1")] },
      { role: "tool", tool_call_id: "c1", content: "sunny" },
    ]);
  });
});
