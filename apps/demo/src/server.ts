import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { HttpAgent } from "@ag-ui/client";
import { createAmazonBedrock } from "@ai-sdk/amazon-bedrock";
import Anthropic from "@anthropic-ai/sdk";
import { CopilotRuntime, type AgentsOption, type ClientDisconnectPolicy, type ErrorReport, type RunStore } from "@copilot-runtime/core";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { AISDKAdapter } from "@copilot-runtime/ai-sdk";
import { AnthropicAdapter } from "@copilot-runtime/anthropic";
import { GoogleGenAIAdapter } from "@copilot-runtime/google";
import { OpenAIAdapter } from "@copilot-runtime/openai";
import type { MCPServerConfig, ServiceAdapter } from "@copilot-runtime/protocol";
import { RedisRunStore } from "@copilot-runtime/redis";
import { Redis } from "ioredis";
import { AzureOpenAI } from "openai";
import { demoActions } from "./actions.js";
import { createOfflineModel } from "./offline-model.js";

export const ENDPOINT = "/api/copilotkit";

/** The built page (vite build → dist/web), next to the server bundle in dist/. */
export const WEB_ROOT = fileURLToPath(new URL(import.meta.url.includes("/dist/") ? "./web/" : "../dist/web/", import.meta.url));

/**
 * The model the environment asks for, first match wins: OPENAI_API_KEY (with
 * OPENAI_BASE_URL, OPENAI_MODEL); AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT
 * (AZURE_OPENAI_DEPLOYMENT, AZURE_OPENAI_API_VERSION); ANTHROPIC_API_KEY
 * (ANTHROPIC_MODEL); GOOGLE_API_KEY or GEMINI_API_KEY (GOOGLE_MODEL); AWS_REGION
 * with AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN) or
 * AWS_BEARER_TOKEN_BEDROCK → Amazon Bedrock through the AI SDK adapter
 * (BEDROCK_MODEL, BEDROCK_BASE_URL); else the offline model.
 */
export function serviceAdapterFromEnv(env: NodeJS.ProcessEnv = process.env): { adapter: ServiceAdapter; description: string } {
  if (env.OPENAI_API_KEY) {
    const model = env.OPENAI_MODEL ?? "gpt-4o-mini";
    // the client the adapter makes itself: on Node, its own keep-alive node:http pool (the fastest path)
    const baseURL = env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {};
    return {
      adapter: new OpenAIAdapter({ apiKey: env.OPENAI_API_KEY, ...baseURL, model }),
      description: `OpenAI model ${model}${env.OPENAI_BASE_URL ? ` at ${env.OPENAI_BASE_URL}` : ""}`,
    };
  }
  if (env.AZURE_OPENAI_API_KEY && env.AZURE_OPENAI_ENDPOINT) {
    const deployment = env.AZURE_OPENAI_DEPLOYMENT ?? "gpt-4o-mini";
    const apiVersion = env.AZURE_OPENAI_API_VERSION ?? "2024-10-21";
    const openai = new AzureOpenAI({ endpoint: env.AZURE_OPENAI_ENDPOINT, apiKey: env.AZURE_OPENAI_API_KEY, apiVersion });
    return {
      adapter: new OpenAIAdapter({ openai, model: deployment }),
      description: `Azure OpenAI deployment ${deployment} at ${env.AZURE_OPENAI_ENDPOINT} (api-version ${apiVersion})`,
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
  const awsCredentials = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
  if (env.AWS_REGION && (awsCredentials || env.AWS_BEARER_TOKEN_BEDROCK)) {
    const model = env.BEDROCK_MODEL ?? "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    const bedrock = createAmazonBedrock({
      region: env.AWS_REGION,
      ...(env.AWS_BEARER_TOKEN_BEDROCK
        ? { apiKey: env.AWS_BEARER_TOKEN_BEDROCK }
        : { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN }),
      ...(env.BEDROCK_BASE_URL ? { baseURL: env.BEDROCK_BASE_URL } : {}),
    });
    const secrets = [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.AWS_BEARER_TOKEN_BEDROCK].filter((value) => value !== undefined);
    return {
      adapter: new AISDKAdapter({ model: bedrock(model), secrets }),
      description: `Amazon Bedrock model ${model} in ${env.AWS_REGION} (AI SDK adapter)`,
    };
  }
  return {
    adapter: createOfflineModel(),
    description:
      "the embedded offline model (set OPENAI_API_KEY, AZURE_OPENAI_API_KEY, ANTHROPIC_API_KEY, GOOGLE_API_KEY or AWS_REGION with " +
      "AWS credentials for a real one)",
  };
}

/** The run store the demo uses, and what to say about it at start-up. */
export interface DemoRunStore {
  /** undefined: the runtime's default, an in-memory `MemoryRunStore`. */
  runStore: RunStore | undefined;
  description: string;
  /** Resolves once the store answers (Redis: a PING); rejects with a message that says what to check. */
  ready(): Promise<void>;
  /** Closes the store and its Redis connections. */
  close(): Promise<void>;
}

/** A Redis URL for logs: the password (an Upstash token, say) never printed. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString().replace("://", "://***@");
  } catch {
    return "(not a valid URL)";
  }
}

/**
 * The run store the environment asks for: `RedisRunStore` when REDIS_URL is set (redis:// or rediss://),
 * so every instance on that Redis shares the threads; else the runtime's in-memory store, for this process only.
 */
export function runStoreFromEnv(env: NodeJS.ProcessEnv = process.env): DemoRunStore {
  const url = env.REDIS_URL;
  if (!url) {
    return {
      runStore: undefined,
      description: "in memory, this process only (set REDIS_URL to share threads between instances)",
      ready: async () => undefined,
      close: async () => undefined,
    };
  }
  const shown = redactRedisUrl(url);
  if (!/^rediss?:\/\//.test(url)) throw new Error(`REDIS_URL must start with redis:// or rediss:// (TLS), got ${shown}.`);
  // the demo's own client, so that it can check Redis at start-up; the store's other connections are copies of it
  const client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5000, retryStrategy: (times) => Math.min(times * 100, 2000) });
  let connectionError: Error | undefined;
  client.on("error", (error: Error) => void (connectionError = error)); // the store reports them to onError too
  const runStore = new RedisRunStore({ client });
  return {
    runStore,
    description: `Redis at ${shown} (RedisRunStore: every instance on this Redis shares the threads)`,
    ready: async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("no answer within 5 s")), 5000);
      });
      try {
        await Promise.race([client.ping(), timeout]);
      } catch (error) {
        const reason = connectionError ?? error; // "connect ECONNREFUSED ..." says more than "max retries reached"
        throw new Error(`Cannot reach Redis at ${shown}: ${reason instanceof Error ? reason.message : String(reason)}`, { cause: error });
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      await runStore.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * An optional remote AG-UI agent from REMOTE_AGENT_URL (its run endpoint, e.g. a LangGraph, CrewAI or
 * another Copilot Runtime's `…/agent/default/run`), served as REMOTE_AGENT_ID (default "remote") beside the
 * built-in agent. Nothing of the page's requests is forwarded to it.
 */
export function remoteAgentFromEnv(env: NodeJS.ProcessEnv = process.env): { agents: AgentsOption | undefined; description: string } {
  const url = env.REMOTE_AGENT_URL?.trim();
  if (!url) return { agents: undefined, description: "none (set REMOTE_AGENT_URL to serve an AG-UI agent beside the built-in one)" };
  if (!/^https?:\/\//.test(url)) throw new Error(`REMOTE_AGENT_URL must be an http(s) URL, got ${JSON.stringify(url)}.`);
  const id = env.REMOTE_AGENT_ID?.trim() || "remote";
  if (!/^[\w-]+$/.test(id)) throw new Error(`REMOTE_AGENT_ID must be letters, digits, "_" or "-", got ${JSON.stringify(id)}.`);
  return {
    agents: { [id]: new HttpAgent({ url, description: `The remote AG-UI agent at ${url}.` }) },
    description: `"${id}" at ${url}`,
  };
}

/** An MCP endpoint for logs: origin and path only (a query string may hold a token). */
function shownEndpoint(url: URL): string {
  return `${url.origin}${url.pathname}${url.search ? "?…" : ""}`;
}

/**
 * MCP servers from MCP_SERVER_URL (http(s); Streamable HTTP, or an older HTTP+SSE endpoint) and MCP_SERVER_TOKEN
 * (sent as a bearer token): their tools become server actions (`@copilot-runtime/mcp`).
 */
export function mcpServersFromEnv(env: NodeJS.ProcessEnv = process.env): {
  mcpServers: MCPServerConfig[] | undefined;
  description: string;
} {
  const endpoint = env.MCP_SERVER_URL?.trim();
  if (!endpoint) return { mcpServers: undefined, description: "none (set MCP_SERVER_URL to add an MCP server's tools)" };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error("MCP_SERVER_URL must be an http(s) URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`MCP_SERVER_URL must be an http(s) URL, got ${url.protocol}//….`);
  const token = env.MCP_SERVER_TOKEN?.trim();
  return {
    mcpServers: [{ endpoint, ...(token ? { apiKey: token } : {}) }],
    description: `the tools of ${shownEndpoint(url)}${token ? " (with MCP_SERVER_TOKEN)" : ""}; GET ${ENDPOINT}/info lists them`,
  };
}

/** `onClientDisconnect` from COPILOT_ON_CLIENT_DISCONNECT: "abort" (the default) or "continue". */
export function clientDisconnectFromEnv(env: NodeJS.ProcessEnv = process.env): {
  policy: ClientDisconnectPolicy;
  description: string;
} {
  const value = env.COPILOT_ON_CLIENT_DISCONNECT?.trim() || "abort";
  if (value === "continue") {
    return { policy: "continue", description: "a run goes on to its end when its client leaves; a reload rejoins it (continue)" };
  }
  if (value === "abort") {
    return {
      policy: "abort",
      description: "a run stops when its client leaves (abort; COPILOT_ON_CLIENT_DISCONNECT=continue lets it go on)",
    };
  }
  throw new Error(`COPILOT_ON_CLIENT_DISCONNECT must be "abort" or "continue", got ${JSON.stringify(value)}.`);
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

export interface DemoServerOptions {
  webRoot?: string;
  /** Default: the runtime's in-memory store. */
  runStore?: RunStore | undefined;
  /** Default "abort". */
  onClientDisconnect?: ClientDisconnectPolicy;
  onError?: (report: ErrorReport) => void;
  /** AG-UI agents served beside the built-in one (see `remoteAgentFromEnv`). */
  agents?: AgentsOption | undefined;
  /** MCP servers whose tools are server actions (`mcpServersFromEnv`). */
  mcpServers?: MCPServerConfig[] | undefined;
}

export function createDemoServer(adapter: ServiceAdapter, options: DemoServerOptions = {}): Server & { copilotRuntime: CopilotRuntime } {
  const webRoot = options.webRoot ?? WEB_ROOT;
  const copilotRuntime = new CopilotRuntime({
    actions: demoActions,
    ...(options.agents ? { agents: options.agents } : {}),
    ...(options.runStore ? { runStore: options.runStore } : {}),
    ...(options.onClientDisconnect ? { onClientDisconnect: options.onClientDisconnect } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.mcpServers ? { mcpServers: options.mcpServers } : {}),
  });
  const endpoint = copilotRuntimeNodeHttpEndpoint({ runtime: copilotRuntime, serviceAdapter: adapter, endpoint: ENDPOINT });
  const server = createServer((req, res) => {
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
  // the runtime, for a graceful shutdown (`copilotRuntime.close()`)
  return Object.assign(server, { copilotRuntime });
}
