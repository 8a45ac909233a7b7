import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConfigurationError,
  normalizeAction,
  type ActionContext,
  type ActionDefinition,
  type MCPActionSource,
  type MCPActionSourceOptions,
  type MCPResolveContext,
  type MCPToolProgress,
} from "@copilot-runtime/protocol";
import { startServer, type RecordedRequest } from "@copilot-runtime/testing";
import { mcpActionSource } from "./mcp-action-source.js";
import { MCPServerError } from "./mcp-server-error.js";
import { rpcMessages, startMcpServer, type TestMcpServer } from "./test-mcp-servers.js";

const SECRET = "s3cr3t-user-token-0123456789";

/** What every test server offers, plus per-server extras. */
function weatherTools(server: McpServer): void {
  server.registerTool(
    "get_weather",
    { description: "The weather in a city.", inputSchema: { city: z.string(), unit: z.enum(["C", "F"]).optional() } },
    ({ city }) => ({ content: [{ type: "text", text: `Sunny in ${city}` }] }),
  );
  server.registerTool(
    "forecast",
    {
      description: "A structured forecast.",
      inputSchema: { city: z.string() },
      outputSchema: { city: z.string(), high: z.number() },
    },
    ({ city }) => ({ content: [{ type: "text", text: JSON.stringify({ city, high: 24 }) }], structuredContent: { city, high: 24 } }),
  );
  server.registerTool("fails", { description: "Always fails.", inputSchema: {} }, () => ({
    content: [{ type: "text", text: "the city database is offline" }],
    isError: true,
  }));
}

const cancelled: string[] = [];
function slowTools(server: McpServer): void {
  server.registerTool("trace_context", { description: "Echoes the trace context of its request.", inputSchema: {} }, (_args, extra) => ({
    content: [{ type: "text", text: String(extra._meta?.traceparent ?? "none") }],
  }));
  server.registerTool("slow", { description: "Takes forever.", inputSchema: { id: z.string() } }, async ({ id }, extra) => {
    await extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: extra._meta?.progressToken ?? 0, progress: 1, total: 10, message: "started" },
      })
      .catch(() => undefined);
    await new Promise<void>((resolve) => {
      extra.signal.addEventListener("abort", () => {
        cancelled.push(id);
        resolve();
      });
    });
    return { content: [{ type: "text", text: "too late" }] };
  });
}

let streamable: TestMcpServer;
let sse: TestMcpServer;
let secured: TestMcpServer;
let slow: TestMcpServer;
const sources: MCPActionSource[] = [];
let reported: unknown[] = [];

beforeAll(async () => {
  streamable = await startMcpServer(weatherTools);
  sse = await startMcpServer(weatherTools, { transport: "sse" });
  secured = await startMcpServer(weatherTools, { bearerToken: SECRET });
  slow = await startMcpServer(slowTools);
});
afterAll(async () => {
  await Promise.all([streamable, sse, secured, slow].map((server) => server.close()));
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((created) => created.close()));
  reported = [];
});

function source(options: Partial<MCPActionSourceOptions> & Pick<MCPActionSourceOptions, "servers">): MCPActionSource {
  const created = mcpActionSource({
    connectTimeoutMs: 2000,
    reconnectDelayMs: 200,
    onError: (error) => void reported.push(error),
    ...options,
  });
  sources.push(created);
  return created;
}

const resolveContext = (extra: Partial<MCPResolveContext> = {}): MCPResolveContext => ({
  request: undefined,
  properties: {},
  url: undefined,
  reservedNames: new Set(),
  ...extra,
});

function actionContext(signal: AbortSignal = new AbortController().signal): ActionContext {
  return { signal, properties: {}, url: undefined, threadId: "t1", runId: "r1", toolCallId: "call-1" };
}

async function call(actions: ActionDefinition[], name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
  const action = actions.find((candidate) => candidate.name === name);
  if (action === undefined) throw new Error(`no action ${name} among ${actions.map((a) => a.name).join(", ")}`);
  const normalized = normalizeAction(action);
  const checked = normalized.parseArgs(args);
  if (!checked.ok) return `Error: ${checked.message}`;
  return normalized.invoke(checked.value, actionContext(signal));
}

/** A server's default name: its endpoint's host, made name-safe. */
const hostName = (server: TestMcpServer) => new URL(server.endpoint).host.replace(/[^A-Za-z0-9_-]/g, "_");

const listRequests = (requests: RecordedRequest[]) => rpcMessages(requests, "tools/list").length;

describe("MCP servers as actions", () => {
  it("lists a Streamable HTTP server's tools with their input schemas and calls them", async () => {
    const mcp = source({ servers: [{ endpoint: streamable.endpoint }] });
    const actions = await mcp.resolve(resolveContext());
    expect(actions.map((action) => action.name)).toEqual(["get_weather", "forecast", "fails"]);
    const weather = normalizeAction(actions[0]!);
    expect(weather.description).toBe("The weather in a city.");
    expect(weather.parameters).toMatchObject({
      type: "object",
      properties: { city: { type: "string" }, unit: { type: "string", enum: ["C", "F"] } },
      required: ["city"],
    });
    expect(weather.parameters).not.toHaveProperty("$schema");
    expect(await call(actions, "get_weather", { city: "Paris" })).toBe("Sunny in Paris");
    expect(await call(actions, "forecast", { city: "Rome" })).toBe('{"city":"Rome","high":24}');
    expect(reported).toEqual([]);
  });

  it("falls back to the older HTTP+SSE transport when the server only speaks that", async () => {
    const mcp = source({ servers: [{ endpoint: sse.endpoint }] });
    const actions = await mcp.resolve(resolveContext());
    expect(actions.map((action) => action.name)).toEqual(["get_weather", "forecast", "fails"]);
    expect(await call(actions, "get_weather", { city: "Oslo" })).toBe("Sunny in Oslo");
    expect(sse.requests.some((request) => request.method === "POST" && request.path === "/sse")).toBe(true);
    expect(sse.requests.some((request) => request.method === "GET" && request.path === "/sse")).toBe(true);
  });

  it("sends the call's trace context (telemetry on) in the request's _meta, and none without it", async () => {
    const actions = await source({ servers: [{ endpoint: slow.endpoint }] }).resolve(resolveContext());
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const action = actions.find((candidate) => candidate.name === "trace_context")!;
    const traced = await normalizeAction(action).invoke({}, { ...actionContext(), traceHeaders: { traceparent } });
    expect(traced).toContain(traceparent);
    expect(await call(actions, "trace_context", {})).toContain("none");
  });

  it("lists the tools once and caches them across requests", async () => {
    const mcp = source({ servers: [{ endpoint: streamable.endpoint }] });
    const before = listRequests(streamable.requests);
    await mcp.resolve(resolveContext());
    await mcp.resolve(resolveContext());
    await Promise.all([mcp.resolve(resolveContext()), mcp.resolve(resolveContext())]);
    expect(listRequests(streamable.requests) - before).toBe(1);
  });

  it("turns isError into an error the model sees", async () => {
    const actions = await source({ servers: [{ endpoint: streamable.endpoint }] }).resolve(resolveContext());
    const error = await Promise.resolve(call(actions, "fails", {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MCPServerError);
    expect((error as Error).message).toBe(
      `The MCP tool "fails" (server "${hostName(streamable)}") reported an error: the city database is offline`,
    );
  });

  it("validates arguments against the tool's schema before calling it", async () => {
    const actions = await source({ servers: [{ endpoint: streamable.endpoint }] }).resolve(resolveContext());
    const calls = () => rpcMessages(streamable.requests, "tools/call").length;
    const before = calls();
    expect(await call(actions, "get_weather", {})).toBe("Error: Missing required argument(s): city.");
    expect(await call(actions, "get_weather", { city: 42 })).toMatch(
      /^Error: invalid arguments for "get_weather": .*city.* must be string/,
    );
    expect(await call(actions, "get_weather", { city: "Paris", unit: "K" })).toMatch(/must be equal to one of the allowed values/);
    expect(calls()).toBe(before);
  });

  it("sends the apiKey as a bearer token and the configured headers", async () => {
    const mcp = source({ servers: [{ endpoint: secured.endpoint, apiKey: SECRET, headers: { "x-tenant": "acme" } }] });
    const actions = await mcp.resolve(resolveContext());
    expect(await call(actions, "get_weather", { city: "Lima" })).toBe("Sunny in Lima");
    expect(secured.requests.at(-1)?.headers).toMatchObject({ authorization: `Bearer ${SECRET}`, "x-tenant": "acme" });
  });

  it("a server refusing the credentials: no tools, onError says so without the token (which the server echoed)", async () => {
    const wrong = `${SECRET}-wrong`;
    const mcp = source({ servers: [{ endpoint: secured.endpoint, headers: { authorization: `Bearer ${wrong}` } }] });
    expect(await mcp.resolve(resolveContext())).toEqual([]);
    expect(reported).toHaveLength(1);
    const error = reported[0] as MCPServerError;
    expect(error).toBeInstanceOf(MCPServerError);
    expect(error.code).toBe("provider_auth");
    expect(error.message).toMatch(/refused the credentials while connecting/);
    const everything = JSON.stringify(error, Object.getOwnPropertyNames(error)) + String(error.cause) + JSON.stringify(error.cause ?? {});
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(SECRET.slice(0, 12));
  });

  it("refreshes the tool list when the server says it changed", async () => {
    const changing = await startMcpServer(weatherTools);
    try {
      const mcp = source({ servers: [{ endpoint: changing.endpoint }] });
      expect((await mcp.resolve(resolveContext())).map((action) => action.name)).not.toContain("news");
      for (const server of changing.servers) {
        server.registerTool("news", { description: "Headlines.", inputSchema: {} }, () => ({
          content: [{ type: "text", text: "All quiet." }],
        }));
      }
      await expect
        .poll(async () => (await mcp.resolve(resolveContext())).map((action) => action.name), { timeout: 5000 })
        .toContain("news");
      expect(await call(await mcp.resolve(resolveContext()), "news", {})).toBe("All quiet.");
    } finally {
      await changing.close();
    }
  });

  it("a stop cancels the MCP request: the server sees notifications/cancelled", async () => {
    const progress: MCPToolProgress[] = [];
    const actions = await source({
      servers: [{ endpoint: slow.endpoint, name: "slowsrv" }],
      onProgress: (p) => void progress.push(p),
    }).resolve(resolveContext());
    const controller = new AbortController();
    const running = Promise.resolve(call(actions, "slow", { id: "stop-me" }, controller.signal)).catch((e: unknown) => e);
    await expect.poll(() => progress.length).toBe(1);
    controller.abort(new Error("stopped"));
    expect(await running).toBeInstanceOf(Error);
    await expect.poll(() => cancelled).toContain("stop-me");
    expect(rpcMessages(slow.requests, "notifications/cancelled").length).toBeGreaterThan(0);
    expect(progress[0]).toEqual({
      server: "slowsrv",
      tool: "slow",
      action: "slow",
      toolCallId: "call-1",
      threadId: "t1",
      runId: "r1",
      progress: 1,
      total: 10,
      message: "started",
    });
  });

  it("a tool that hangs past the timeout is cancelled and fails with timeout", async () => {
    const actions = await source({ servers: [{ endpoint: slow.endpoint }], toolTimeoutMs: 300 }).resolve(resolveContext());
    const error = await Promise.resolve(call(actions, "slow", { id: "too-slow" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MCPServerError);
    expect((error as MCPServerError).code).toBe("timeout");
    expect((error as Error).message).toMatch(/did not answer in time while calling the tool "slow"; the request was cancelled/);
    await expect.poll(() => cancelled).toContain("too-slow");
  });

  it("a server down at start: no tools, reported, retried with backoff, its tools back once it is up", async () => {
    const flaky = await startMcpServer(weatherTools);
    await flaky.crash();
    const mcp = source({ servers: [{ endpoint: flaky.endpoint }, { endpoint: streamable.endpoint }] });
    expect((await mcp.resolve(resolveContext())).map((action) => action.name)).toEqual(["get_weather", "forecast", "fails"]);
    expect(reported).toHaveLength(1);
    expect((reported[0] as MCPServerError).code).toBe("provider_unavailable");
    expect((reported[0] as Error).message).toMatch(/could not be reached while connecting and listing its tools/);

    // within the backoff, it is not tried again (and not reported again)
    await mcp.resolve(resolveContext());
    expect(reported).toHaveLength(1);

    await flaky.restart();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const names = (await mcp.resolve(resolveContext())).map((action) => action.name);
    // the second server's tools clash with the first's now: they get its prefix
    expect(names.slice(0, 3)).toEqual(["get_weather", "forecast", "fails"]);
    expect(names).toContain(`${hostName(streamable)}_get_weather`);
    await flaky.close();
  });

  it("a server that crashes mid-call: the call fails for the model, the run goes on, the server is reconnected later", async () => {
    let crashing: TestMcpServer | undefined;
    crashing = await startMcpServer((server) => {
      weatherTools(server);
      server.registerTool("crash", { description: "Crashes the server.", inputSchema: {} }, async () => {
        setTimeout(() => void crashing?.crash(), 10);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return { content: [{ type: "text", text: "unreachable" }] };
      });
    });
    const mcp = source({ servers: [{ endpoint: crashing.endpoint, name: "crashy" }] });
    const actions = await mcp.resolve(resolveContext());
    const error = await Promise.resolve(call(actions, "crash", {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MCPServerError);
    expect((error as MCPServerError).code).toBe("provider_unavailable");
    expect((error as Error).message).toMatch(/MCP server "crashy" .*while calling the tool "crash"/);

    // down now: the next request goes on without its tools
    expect(await mcp.resolve(resolveContext())).toEqual([]);
    await crashing.restart();
    await expect.poll(async () => (await mcp.resolve(resolveContext())).length, { timeout: 5000, interval: 100 }).toBe(4);
    expect(await call(await mcp.resolve(resolveContext()), "get_weather", { city: "Bern" })).toBe("Sunny in Bern");
    await crashing.close();
  });

  it("a server that answers something malformed: no tools, reported as provider_error", async () => {
    const requests: RecordedRequest[] = [];
    const junk = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ hello: "not json-rpc" }));
    }, requests);
    try {
      expect(await source({ servers: [{ endpoint: `${junk.url}/mcp` }], connectTimeoutMs: 500 }).resolve(resolveContext())).toEqual([]);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toBeInstanceOf(MCPServerError);
      expect((reported[0] as MCPServerError).code).toMatch(/^(provider_error|timeout)$/);
    } finally {
      await junk.close();
    }
  });

  it("a server that accepts the connection and never answers: a timeout, reported", async () => {
    const requests: RecordedRequest[] = [];
    const silent = await startServer(() => new Promise<void>(() => undefined), requests);
    try {
      expect(await source({ servers: [{ endpoint: `${silent.url}/mcp` }], connectTimeoutMs: 300 }).resolve(resolveContext())).toEqual([]);
      expect((reported[0] as MCPServerError).code).toBe("timeout");
    } finally {
      await silent.close();
    }
  });
});

describe("the name-clash rule", () => {
  it("a tool named like an app action gets its server's prefix; so does a later server's tool of the same name", async () => {
    const mcp = source({
      servers: [
        { endpoint: streamable.endpoint, name: "weather" },
        { endpoint: sse.endpoint, name: "legacy" },
      ],
    });
    const actions = await mcp.resolve(resolveContext({ reservedNames: new Set(["forecast"]) }));
    expect(actions.map((action) => action.name)).toEqual([
      "get_weather",
      "weather_forecast",
      "fails",
      "legacy_get_weather",
      "legacy_forecast",
      "legacy_fails",
    ]);
    expect(await call(actions, "legacy_get_weather", { city: "Kyiv" })).toBe("Sunny in Kyiv");
  });
});

describe("servers from a function of the request", () => {
  const userRequest = new Request("http://app.test/api/copilotkit/agent/default/run", { headers: { authorization: `Bearer ${SECRET}` } });

  it("takes the end user's token from the request, one connection per endpoint and headers", async () => {
    const mcp = source({
      servers: ({ request }) => [{ endpoint: secured.endpoint, headers: { authorization: request?.headers.get("authorization") ?? "" } }],
    });
    const actions = await mcp.resolve(resolveContext({ request: userRequest }));
    expect(await call(actions, "get_weather", { city: "Quito" })).toBe("Sunny in Quito");
    const initializes = () => rpcMessages(secured.requests, "initialize").length;
    const before = initializes();
    await mcp.resolve(resolveContext({ request: userRequest }));
    expect(initializes()).toBe(before);
  });

  it("refuses hosts outside allowedHosts, without contacting them", async () => {
    const count = streamable.requests.length;
    const mcp = source({ servers: () => [{ endpoint: streamable.endpoint }], allowedHosts: ["mcp.example.com"] });
    expect(await mcp.resolve(resolveContext())).toEqual([]);
    expect(streamable.requests.length).toBe(count);
    expect(reported[0]).toBeInstanceOf(ConfigurationError);
    expect((reported[0] as Error).message).toMatch(/the host "127\.0\.0\.1:\d+" is not in mcpOptions\.allowedHosts; it was not contacted/);

    const allowed = source({ servers: () => [{ endpoint: streamable.endpoint }], allowedHosts: ["127.0.0.1"] });
    expect(await allowed.resolve(resolveContext())).toHaveLength(3);
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      "a stdio server",
      () => [{ command: "node", args: ["server.js"] }],
      /a stdio server .* can only be configured in the mcpServers array/,
    ],
    ["an endpoint that is not http(s)", () => [{ endpoint: "file:///etc/passwd" }], /endpoint must be an http\(s\) URL/],
    ["something that is not an array", () => ({ endpoint: "http://x" }), /must return an array/],
    [
      "a function that throws",
      () => {
        throw new Error("no user");
      },
      /no user/,
    ],
  ])("reports %s and goes on without it", async (_case, servers, message) => {
    const mcp = source({ servers: servers as MCPActionSourceOptions["servers"] });
    expect(await mcp.resolve(resolveContext())).toEqual([]);
    expect(reported).toHaveLength(1);
    expect((reported[0] as Error).message).toMatch(message);
  });
});

describe("createMCPClient (CopilotKit's option)", () => {
  it("uses the app's client: tools() once, execute(args) per call, bounded by the timeout", async () => {
    let listed = 0;
    const configs: unknown[] = [];
    const mcp = source({
      servers: [{ endpoint: "https://mcp.example.com/mcp", apiKey: "k-123456" }],
      toolTimeoutMs: 200,
      createMCPClient: async (config) => {
        configs.push(config);
        return {
          tools: async () => {
            listed++;
            return {
              add: {
                description: "Adds.",
                schema: { parameters: { properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] } },
                execute: async ({ a, b }) => ({ content: [{ type: "text", text: String(Number(a) + Number(b)) }] }),
              },
              echo: {
                schema: { parameters: { jsonSchema: { type: "object", properties: { text: { type: "string" } } } } },
                execute: async ({ text }) => ({ echoed: text }),
              },
              hang: { execute: () => new Promise(() => undefined) },
            };
          },
        };
      },
    });
    const actions = await mcp.resolve(resolveContext());
    await mcp.resolve(resolveContext());
    expect(listed).toBe(1);
    expect(configs).toEqual([{ endpoint: "https://mcp.example.com/mcp", apiKey: "k-123456" }]);
    expect(actions.map((action) => action.name)).toEqual(["add", "echo", "hang"]);
    expect(await call(actions, "add", { a: 2, b: 3 })).toBe("5");
    expect(await call(actions, "echo", { text: "hi" })).toBe('{"echoed":"hi"}');
    const error = await Promise.resolve(call(actions, "hang", {})).catch((e: unknown) => e);
    expect((error as MCPServerError).code).toBe("timeout");
  });

  it("a createMCPClient that fails: no tools, reported", async () => {
    const mcp = source({
      servers: [{ endpoint: "https://mcp.example.com/mcp" }],
      createMCPClient: async () => {
        throw new Error("cannot connect");
      },
    });
    expect(await mcp.resolve(resolveContext())).toEqual([]);
    expect((reported[0] as Error).message).toMatch(/failed while connecting and listing its tools: cannot connect/);
  });
});

describe("configuration", () => {
  it.each<[string, Partial<MCPActionSourceOptions>, RegExp]>([
    [
      "servers that are neither an array nor a function",
      { servers: {} as never },
      /must be an array of \{ endpoint \} servers or a function/,
    ],
    ["an endpoint that is not http(s)", { servers: [{ endpoint: "ws://x" }] }, /mcpServers\[0\]\.endpoint must be an http\(s\) URL/],
    ["an entry that is not an object", { servers: ["http://x"] as never }, /mcpServers\[0\] must be an object/],
    [
      "headers that are not strings",
      { servers: [{ endpoint: "http://x", headers: { a: 1 } as never }] },
      /mcpServers\[0\]\.headers must be an object of strings/,
    ],
    [
      "an apiKey that is not a string",
      { servers: [{ endpoint: "http://x", apiKey: 1 as never }] },
      /mcpServers\[0\]\.apiKey must be a string/,
    ],
    ["a bad name", { servers: [{ endpoint: "http://x", name: "a b" }] }, /mcpServers\[0\]\.name must be 1-32 letters/],
    ["a stdio server without a command", { servers: [{ command: "" }] }, /mcpServers\[0\]\.command must be a non-empty string/],
    [
      "stdio args that are not strings",
      { servers: [{ command: "node", args: [1] as never }] },
      /mcpServers\[0\]\.args must be an array of strings/,
    ],
    ["a zero timeout", { servers: [], toolTimeoutMs: 0 }, /mcpOptions\.toolTimeoutMs must be a positive number/],
    ["a fractional pool size", { servers: [], maxConnections: 1.5 }, /mcpOptions\.maxConnections must be an integer/],
    ["allowedHosts that are not strings", { servers: [], allowedHosts: [""] }, /mcpOptions\.allowedHosts must be an array of host names/],
    ["an onProgress that is not a function", { servers: [], onProgress: 1 as never }, /mcpOptions\.onProgress must be a function/],
    [
      "a stdio server with createMCPClient",
      { servers: [{ command: "node" }], createMCPClient: async () => ({ tools: async () => ({}) }) },
      /`createMCPClient` takes \{ endpoint \} servers/,
    ],
  ])("rejects %s with a ConfigurationError", (_case, options, message) => {
    const build = () => mcpActionSource(options as MCPActionSourceOptions);
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(message);
  });
});
