import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import Anthropic from "@anthropic-ai/sdk";
import { CopilotRuntime } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { AnthropicAdapter } from "@copilot-runtime/anthropic";
import { GoogleGenAIAdapter } from "@copilot-runtime/google";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import type { ServiceAdapter } from "@copilot-runtime/protocol";
import OpenAI from "openai";
import { demoActions } from "./actions.js";
import { createOfflineModel } from "./offline-model.js";

export const ENDPOINT = "/api/copilotkit";

/** The built page (vite build → dist/web), next to the server bundle in dist/. */
export const WEB_ROOT = fileURLToPath(new URL(import.meta.url.includes("/dist/") ? "./web/" : "../dist/web/", import.meta.url));

/**
 * The model the environment asks for, first match wins: OPENAI_API_KEY (with
 * OPENAI_BASE_URL, OPENAI_MODEL), ANTHROPIC_API_KEY (ANTHROPIC_MODEL),
 * GOOGLE_API_KEY or GEMINI_API_KEY (GOOGLE_MODEL); else the offline model.
 */
export function serviceAdapterFromEnv(env: NodeJS.ProcessEnv = process.env): { adapter: ServiceAdapter; description: string } {
  if (env.OPENAI_API_KEY) {
    const model = env.OPENAI_MODEL ?? "gpt-4o-mini";
    const openai = new OpenAI({ apiKey: env.OPENAI_API_KEY, ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}) });
    return {
      adapter: new OpenAIAdapter({ openai, model }),
      description: `OpenAI model ${model}${env.OPENAI_BASE_URL ? ` at ${env.OPENAI_BASE_URL}` : ""}`,
    };
  }
  if (env.ANTHROPIC_API_KEY) {
    const model = env.ANTHROPIC_MODEL ?? "claude-sonnet-5-5";
    return {
      adapter: new AnthropicAdapter({ anthropic: new Anthropic({ apiKey: env.ANTHROPIC_API_KEY }), model }),
      description: `Anthropic model ${model}`,
    };
  }
  const googleKey = env.GOOGLE_API_KEY ?? env.GEMINI_API_KEY;
  if (googleKey) {
    const model = env.GOOGLE_MODEL ?? "gemini-2.5-flash";
    return { adapter: new GoogleGenAIAdapter({ apiKey: googleKey, model }), description: `Google model ${model}` };
  }
  return {
    adapter: createOfflineModel(),
    description: "the embedded offline model (set OPENAI_API_KEY, ANTHROPIC_API_KEY or GOOGLE_API_KEY for a real one)",
  };
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

/** A file of the built page, or undefined (never outside the web root). */
async function staticFile(webRoot: string, path: string): Promise<{ body: Buffer; type: string } | undefined> {
  const relative = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, "");
  const file = join(webRoot, relative === "" ? "index.html" : relative);
  if (!file.startsWith(webRoot.endsWith(sep) ? webRoot : webRoot + sep)) return undefined;
  try {
    return { body: await readFile(file), type: TYPES[extname(file)] ?? "application/octet-stream" };
  } catch {
    return undefined;
  }
}

export function createDemoServer(adapter: ServiceAdapter, options: { webRoot?: string } = {}): Server {
  const webRoot = options.webRoot ?? WEB_ROOT;
  const copilotRuntime = new CopilotRuntime({ actions: demoActions });
  const endpoint = copilotRuntimeNodeHttpEndpoint({ runtime: copilotRuntime, serviceAdapter: adapter, endpoint: ENDPOINT });
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === ENDPOINT || path.startsWith(`${ENDPOINT}/`)) {
      void endpoint(req, res);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "application/json", allow: "GET, HEAD" });
      res.end(JSON.stringify({ error: "method_not_allowed", message: `Use GET here; the runtime is at ${ENDPOINT}.` }));
      return;
    }
    void (async () => {
      let found = await staticFile(webRoot, path);
      // the page is a single-page app: unknown paths without an extension get index.html
      if (!found && extname(path) === "") found = await staticFile(webRoot, "/index.html");
      if (!found) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "not_found", message: `Nothing at ${path}; the runtime is at ${ENDPOINT}.` }));
        return;
      }
      res.writeHead(200, {
        "content-type": found.type,
        "cache-control": path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
      });
      res.end(req.method === "HEAD" ? undefined : found.body);
    })();
  });
}
