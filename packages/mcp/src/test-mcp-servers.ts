// Real MCP servers for the tests, built with the SDK's own server side (`McpServer`) on 127.0.0.1.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { startServer, type RecordedRequest, type StartedServer } from "@copilot-runtime/testing";

export interface TestMcpServer {
  /** The MCP endpoint: `/mcp` (Streamable HTTP) or `/sse` (the older HTTP+SSE transport). */
  endpoint: string;
  requests: RecordedRequest[];
  /** Every MCP server instance made so far (one per session). */
  servers: McpServer[];
  /** Drops every connection at once and stops listening, like a process that crashed. */
  crash(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestMcpServerOptions {
  transport?: "streamable-http" | "sse";
  /** Requests without `Authorization: Bearer <token>` get a 401 whose body echoes what was sent. */
  bearerToken?: string;
}

function unauthorized(res: ServerResponse, req: IncomingMessage): void {
  res.writeHead(401, { "content-type": "application/json", "www-authenticate": "Bearer" });
  res.end(
    JSON.stringify({ error: "invalid_token", error_description: `rejected authorization: ${req.headers.authorization ?? "(none)"}` }),
  );
}

/** Starts an MCP server; `setup` registers the tools of every new session's `McpServer`. */
export async function startMcpServer(setup: (server: McpServer) => void, options: TestMcpServerOptions = {}): Promise<TestMcpServer> {
  const requests: RecordedRequest[] = [];
  const servers: McpServer[] = [];
  const streamable = new Map<string, StreamableHTTPServerTransport>();
  const sse = new Map<string, SSEServerTransport>();
  const transportKind = options.transport ?? "streamable-http";

  const newServer = () => {
    const server = new McpServer({ name: "test-server", version: "1.0.0" }, { capabilities: { tools: { listChanged: true } } });
    setup(server);
    servers.push(server);
    return server;
  };

  const handler = async (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => {
    if (options.bearerToken !== undefined && req.headers.authorization !== `Bearer ${options.bearerToken}`) return unauthorized(res, req);
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (transportKind === "sse") {
      if (path === "/sse" && req.method === "GET") {
        const transport = new SSEServerTransport("/messages", res);
        sse.set(transport.sessionId, transport);
        res.on("close", () => sse.delete(transport.sessionId));
        await newServer().connect(transport);
        return;
      }
      const sessionId = new URL(req.url ?? "/", "http://localhost").searchParams.get("sessionId") ?? "";
      const transport = sse.get(sessionId);
      if (path === "/messages" && req.method === "POST" && transport) return transport.handlePostMessage(req, res, recorded.body);
      res.writeHead(path === "/sse" ? 405 : 404).end();
      return;
    }
    if (path !== "/mcp") {
      res.writeHead(404).end();
      return;
    }
    const sessionId = req.headers["mcp-session-id"];
    let transport = typeof sessionId === "string" ? streamable.get(sessionId) : undefined;
    if (transport === undefined) {
      if (typeof sessionId === "string" || req.method !== "POST") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null }));
        return;
      }
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void streamable.set(id, created),
      });
      // oxlint-disable-next-line unicorn/prefer-add-event-listener -- the SDK's transport has only these callbacks
      created.onclose = () => {
        if (created.sessionId !== undefined) streamable.delete(created.sessionId);
      };
      await newServer().connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res, recorded.body);
  };

  let started: StartedServer = await startServer(handler, requests);
  const port = Number(new URL(started.url).port);
  let running = true;
  const stop = async () => {
    if (!running) return;
    running = false;
    streamable.clear();
    sse.clear();
    await started.close();
  };
  return {
    endpoint: `${started.url}${transportKind === "sse" ? "/sse" : "/mcp"}`,
    requests,
    servers,
    crash: stop,
    restart: async () => {
      started = await startServer(handler, requests, port);
      running = true;
    },
    close: stop,
  };
}

/** The JSON-RPC messages of a given method the server received (e.g. "notifications/cancelled"). */
export function rpcMessages(requests: readonly RecordedRequest[], method: string): Record<string, unknown>[] {
  return requests
    .flatMap((request) => (Array.isArray(request.body) ? (request.body as unknown[]) : [request.body]))
    .filter(
      (message): message is Record<string, unknown> =>
        typeof message === "object" && message !== null && (message as { method?: unknown }).method === method,
    );
}
