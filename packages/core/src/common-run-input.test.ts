import { RunAgentInputSchema } from "@copilot-runtime/protocol/schemas";
import { describe, expect, it } from "vitest";
import { commonRunAgentInput } from "./common-run-input.js";

// The oracle is AG-UI's own schema: whatever the hand check accepts, the schema must accept and give back the same.

const base = () => ({
  threadId: "t1",
  runId: "r1",
  messages: [
    { id: "s", role: "system", content: "Be brief." },
    { id: "d", role: "developer", content: "Use tools.", name: "dev" },
    { id: "u", role: "user", content: "hello", metadata: { from: "ui" } },
    {
      id: "a",
      role: "assistant",
      content: "",
      toolCalls: [{ id: "c1", type: "function", function: { name: "sayHello", arguments: '{"arg":"x"}' } }],
    },
    { id: "tm", role: "tool", toolCallId: "c1", content: "Hello, x!", error: "none" },
    { id: "rm", role: "reasoning", content: "thinking", encryptedValue: "e" },
    { id: "a2", role: "assistant", subagentRunId: "sub" },
  ],
  tools: [{ name: "show", description: "Shows a thing.", parameters: { type: "object", properties: {} } }],
  context: [{ description: "page", value: "home" }],
  state: { count: 1 },
  forwardedProps: { temperature: 0 },
  protocolVersion: "1.0.0",
  parentRunId: "p",
  extra: { kept: true },
});

const schemaOutput = (body: unknown) => RunAgentInputSchema.safeParse(body);

describe("commonRunAgentInput", () => {
  it("gives back what AG-UI's schema gives back, for common inputs", () => {
    const inputs: Record<string, unknown>[] = [
      base(),
      { threadId: "t", runId: "r", messages: [] },
      { threadId: "t", runId: "r", messages: [{ id: "u", role: "user", content: "hi" }], tools: [], context: [] },
      { ...base(), state: undefined, forwardedProps: "anything but null" },
    ];
    for (const input of inputs) {
      const fast = commonRunAgentInput(input);
      const parsed = schemaOutput(input);
      expect(parsed.success).toBe(true);
      expect(fast).toEqual(parsed.data);
    }
  });

  it("leaves unusual inputs to the schema", () => {
    const unusual: Record<string, unknown>[] = [
      { ...base(), state: null },
      { ...base(), resume: [{ interruptId: "i", status: "resolved" }] },
      { ...base(), messages: [{ id: "u", role: "user", content: [{ type: "text", text: "hi" }] }] },
      { ...base(), messages: [{ id: "act", role: "activity", activityType: "x", content: {} }] },
    ];
    for (const input of unusual) {
      expect(commonRunAgentInput(input)).toBeUndefined();
      expect(schemaOutput(input).success).toBe(true);
    }
  });

  it("never accepts what the schema refuses (every field of a common input broken in turn)", () => {
    const wrongValues: unknown[] = [null, 1, "s", true, [], {}, [1], { id: 1 }];
    let refusedBySchema = 0;
    // every path to a leaf or object of the base input, each set to each wrong value
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (path.length > 0) paths.push(path);
      if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index]));
      else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    };
    walk(base(), []);
    for (const path of paths) {
      for (const wrong of [...wrongValues, undefined]) {
        const input = structuredClone(base()) as Record<string, unknown>;
        let target = input as Record<string | number, unknown>;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
        const last = path[path.length - 1]!;
        if (wrong === undefined) delete target[last];
        else target[last] = wrong;
        const fast = commonRunAgentInput(input);
        const parsed = schemaOutput(input);
        if (!parsed.success) refusedBySchema++;
        if (fast !== undefined) {
          expect(parsed.success, `accepted ${JSON.stringify(path)} = ${JSON.stringify(wrong)}`).toBe(true);
          expect(fast).toEqual(parsed.data);
        }
      }
    }
    // the check did meet inputs the schema refuses
    expect(refusedBySchema).toBeGreaterThan(100);
  });
});
