import { createServer, type Server } from "node:http";
import { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import type { ServiceAdapter } from "@copilot-runtime/protocol";
import OpenAI from "openai";
import { demoActions } from "./actions.js";
import { createOfflineModel } from "./offline-model.js";

export const ENDPOINT = "/api/copilotkit";

/** The model the environment asks for: OpenAI (or a compatible server) with OPENAI_API_KEY, else the offline model. */
export function serviceAdapterFromEnv(env: NodeJS.ProcessEnv = process.env): { adapter: ServiceAdapter; description: string } {
  if (env.OPENAI_API_KEY) {
    const model = env.OPENAI_MODEL ?? "gpt-4o-mini";
    const openai = new OpenAI({ apiKey: env.OPENAI_API_KEY, ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}) });
    return {
      adapter: new OpenAIAdapter({ openai, model }),
      description: `OpenAI model ${model}${env.OPENAI_BASE_URL ? ` at ${env.OPENAI_BASE_URL}` : ""}`,
    };
  }
  return { adapter: createOfflineModel(), description: "the embedded offline model (set OPENAI_API_KEY for a real one)" };
}

const HOME = (port: number) => `Copilot Runtime demo

The runtime is at ${ENDPOINT}. Try:

  curl http://localhost:${port}${ENDPOINT}/info

  curl -N http://localhost:${port}${ENDPOINT}/agent/default/run \\
    -H 'content-type: application/json' \\
    -d '{"threadId":"t1","runId":"r1","messages":[{"id":"m1","role":"user","content":"Say hello to Ada"}]}'
`;

export function createDemoServer(adapter: ServiceAdapter): Server {
  const runtime = new CopilotRuntime({ actions: demoActions });
  const endpoint = copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter: adapter, endpoint: ENDPOINT });
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === ENDPOINT || path.startsWith(`${ENDPOINT}/`)) {
      void endpoint(req, res);
      return;
    }
    if (path === "/" && (req.method === "GET" || req.method === "HEAD")) {
      const port = (req.socket.localPort ?? 3000);
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end(HOME(port));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "not_found", message: `Nothing at ${path}; the runtime is at ${ENDPOINT}.` }));
  });
}
