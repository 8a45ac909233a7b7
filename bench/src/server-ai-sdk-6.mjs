// A peer a user would pick instead: the Vercel AI SDK 6 alone on a plain node:http server. `streamText` over
// @ai-sdk/openai's Chat Completions model with the same tool (sayHello, up to 3 steps), answered as the AI SDK's UI
// message stream (`pipeUIMessageStreamToResponse`: the stream `toUIMessageStreamResponse()` returns, written to a
// Node response). The request body is the AI SDK's own: `{ messages: UIMessage[] }`.
import { createServer } from "node:http";
import { createOpenAI } from "@ai-sdk/openai";
import { convertToModelMessages, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";

const baseURL = process.argv[2];
const model = createOpenAI({ apiKey: "sk-bench", baseURL }).chat("gpt-4o");
const tools = {
  sayHello: tool({
    description: "Says hello to someone.",
    inputSchema: z.object({ arg: z.string().describe("The name of the person to say hello to.") }),
    execute: async ({ arg }) => `Hello, ${arg}!`,
  }),
};

const server = createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/api/chat") {
    res.writeHead(404).end();
    return;
  }
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const { messages } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    const result = streamText({
      model,
      messages: await convertToModelMessages(messages),
      tools,
      stopWhen: stepCountIs(3),
      abortSignal: abort.signal,
    });
    result.pipeUIMessageStreamToResponse(res);
  } catch (error) {
    res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: String(error) }));
  }
});
server.listen(0, "127.0.0.1", () => process.send?.({ ready: true, port: server.address().port, path: "/api/chat", body: "ui-messages" }));

// the benchmark asks for a collection before it reads memory after load
process.on("message", (message) => {
  if (message !== "gc") return;
  globalThis.gc?.();
  process.send?.({ heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 });
});
