import { describe, expect, it } from "vitest";
import { EventType, type BaseEvent } from "@ag-ui/core";
import { encodeSSE, encodeSSEComment } from "./sse-encoder.js";

describe("encodeSSE", () => {
  it("writes one LF-terminated data line per event, optional fields absent", () => {
    const event = { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "m", delta: "a\nb\r\n\u2028", extra: undefined };
    const frame = encodeSSE(event as BaseEvent);
    expect(frame).toBe('data: {"type":"TEXT_MESSAGE_CONTENT","messageId":"m","delta":"a\\nb\\r\\n\u2028"}\n\n');
    expect(frame.slice(0, -2)).not.toMatch(/[\r\n]/);
  });

  it("writes comments on one line", () => {
    expect(encodeSSEComment("a\nb")).toBe(": a b\n\n");
  });
});
