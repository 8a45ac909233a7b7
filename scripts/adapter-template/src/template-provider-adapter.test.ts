import { fileURLToPath } from "node:url";
import { ConfigurationError } from "@copilot-runtime/protocol";
import { adapterRequest, collectParts, replayFixture, textAnswer } from "@copilot-runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeTemplateProvider, type FakeTemplateProvider } from "./fake-template-provider.js";
import { TemplateProviderAdapter } from "./template-provider-adapter.js";

/** A stream stored byte for byte in src/fixtures/ (where each one comes from: src/fixtures/README.md). */
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let fake: FakeTemplateProvider;
let adapter: TemplateProviderAdapter;

beforeAll(async () => {
  fake = await createFakeTemplateProvider();
  adapter = new TemplateProviderAdapter({ model: "fake-model", apiKey: "sk-test-0123456789", baseURL: fake.baseURL });
});
afterAll(() => fake.close());

describe("TemplateProviderAdapter", () => {
  it("streams a documented text answer, replayed byte for byte", async () => {
    fake.enqueue(replayFixture(fixture("template-provider-chat-stream.txt")));
    expect(await collectParts(adapter)).toEqual([
      { type: "text-delta", delta: "Hello" },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("streams a documented tool call whose arguments arrive in fragments", async () => {
    fake.enqueue(replayFixture(fixture("template-provider-tool-call-stream.txt")));
    const parts = await collectParts(adapter);
    const args = parts.flatMap((part) => (part.type === "tool-call-delta" ? [part.argsDelta] : []));
    expect(parts.filter((part) => part.type !== "tool-call-delta")).toEqual([
      { type: "tool-call-start", toolCallId: "call_DdmO9pD3xa9XTPNJ32zg2hcA", toolName: "get_weather" },
      { type: "tool-call-end", toolCallId: "call_DdmO9pD3xa9XTPNJ32zg2hcA" },
      { type: "finish", reason: "tool_calls" },
    ]);
    expect(JSON.parse(args.join(""))).toEqual({ location: "Paris, France" });
  });

  it("reports a cut-short answer's finish reason, and sends temperature 0", async () => {
    fake.enqueue(textAnswer("Once upon", { finishReason: "length" }));
    const parts = await collectParts(adapter, adapterRequest({ parameters: { temperature: 0, maxTokens: 2 } }));
    expect(parts.at(-1)).toEqual({ type: "finish", reason: "length" });
    expect(fake.summary()).toMatchObject({ temperature: 0, maxTokens: 2 });
  });

  it("fails without an API key with a configuration error naming the variable", async () => {
    const keyless = new TemplateProviderAdapter({ model: "fake-model", apiKey: "", baseURL: fake.baseURL });
    const error = await collectParts(keyless).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("TEMPLATE_PROVIDER_API_KEY");
  });
});
