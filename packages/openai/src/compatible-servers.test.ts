// The README's setups for OpenAI-compatible servers, each run as written (only the host is the fake's): the path the
// client calls, the headers it sends, and a streamed answer with a tool call through the adapter.
import OpenAI, { AzureOpenAI } from "openai";
import { adapterRequest, collectParts, createFakeOpenAI, textAnswer, toolCallAnswer, type FakeOpenAI } from "@copilot-runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIAdapter } from "./openai-adapter.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await createFakeOpenAI();
});
afterAll(() => fake.close());

const request = () =>
  adapterRequest({
    messages: [
      { id: "s", role: "system", content: "Be brief." },
      { id: "u", role: "user", content: "Weather in Paris?" },
    ],
    tools: [
      { name: "lookup", description: "Looks up the weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
    ],
  });

/** Streams a tool call and a text answer through the adapter, and returns the requests the fake received. */
async function exercise(adapter: OpenAIAdapter) {
  const before = fake.requests.length;
  fake.enqueue(toolCallAnswer([{ id: "call_1", name: "lookup", arguments: { city: "Paris" } }]), textAnswer("Sunny."));
  const call = await collectParts(adapter, request());
  expect(call.filter((part) => part.type !== "tool-call-delta")).toEqual([
    { type: "tool-call-start", toolCallId: "call_1", toolName: "lookup" },
    { type: "usage", usage: expect.objectContaining({ inputTokens: 42, outputTokens: 17 }) },
    { type: "tool-call-end", toolCallId: "call_1" },
    { type: "finish", reason: "tool_calls" },
  ]);
  expect((await collectParts(adapter, request())).filter((part) => part.type === "text-delta")).toEqual([
    { type: "text-delta", delta: "Sunny." },
  ]);
  expect(fake.rejections).toEqual([]);
  return fake.requests.slice(before);
}

describe("OpenAI-compatible servers, as the README sets them up", () => {
  it("Azure OpenAI: AzureOpenAI client, the deployment as the model, api-version and api-key", async () => {
    const azure = new OpenAIAdapter({
      openai: new AzureOpenAI({ endpoint: fake.url, apiKey: "azure-key-0123456789", apiVersion: "2024-10-21", maxRetries: 0 }),
      model: "my-gpt-4o-deployment",
    });
    const requests = await exercise(azure);
    for (const sent of requests) {
      expect(sent.path).toBe("/openai/deployments/my-gpt-4o-deployment/chat/completions?api-version=2024-10-21");
      expect(sent.headers["api-key"]).toBe("azure-key-0123456789");
      expect(sent.headers.authorization).toBeUndefined();
    }
  });

  it("Azure OpenAI with a fixed deployment on the client", async () => {
    const azure = new OpenAIAdapter({
      openai: new AzureOpenAI({
        endpoint: fake.url,
        apiKey: "azure-key-0123456789",
        apiVersion: "2024-10-21",
        deployment: "prod-4o",
        maxRetries: 0,
      }),
      model: "gpt-4o",
    });
    const [first] = await exercise(azure);
    expect(first?.path).toBe("/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21");
  });

  it("Groq: baseURL https://api.groq.com/openai/v1, system role kept", async () => {
    const groq = new OpenAIAdapter({
      openai: new OpenAI({ apiKey: "gsk_test0123456789abcdef", baseURL: `${fake.url}/openai/v1`, maxRetries: 0 }),
      model: "llama-3.3-70b-versatile",
      keepSystemRole: true,
    });
    const [first] = await exercise(groq);
    expect(first?.path).toBe("/openai/v1/chat/completions");
    expect(first?.headers.authorization).toBe("Bearer gsk_test0123456789abcdef");
    expect(fake.bodies().at(-1)?.messages[0]).toMatchObject({ role: "system", content: "Be brief." });
    expect(fake.bodies().at(-1)?.model).toBe("llama-3.3-70b-versatile");
  });

  it("Ollama: baseURL http://localhost:11434/v1, any key, system role kept", async () => {
    const ollama = new OpenAIAdapter({
      openai: new OpenAI({ apiKey: "ollama", baseURL: `${fake.url}/v1`, maxRetries: 0 }),
      model: "llama3.1",
      keepSystemRole: true,
    });
    const [first] = await exercise(ollama);
    expect(first?.path).toBe("/v1/chat/completions");
    expect(fake.bodies().at(-1)?.messages[0]).toMatchObject({ role: "system" });
  });

  it("vLLM: baseURL http://localhost:8000/v1, the served model name, system role kept", async () => {
    const vllm = new OpenAIAdapter({
      openai: new OpenAI({ apiKey: "EMPTY", baseURL: `${fake.url}/v1`, maxRetries: 0 }),
      model: "meta-llama/Llama-3.1-8B-Instruct",
      keepSystemRole: true,
    });
    const [first] = await exercise(vllm);
    expect(first?.path).toBe("/v1/chat/completions");
    expect(fake.bodies().at(-1)?.model).toBe("meta-llama/Llama-3.1-8B-Instruct");
  });
});
