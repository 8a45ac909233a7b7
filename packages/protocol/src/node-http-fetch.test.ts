import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyReader, NODE_BODY, type NodeBodyResponse } from "./body-reader.js";
import { nodeHttpFetch } from "./node-http-fetch.js";

/** Runs `test` against a server of its own (on 127.0.0.1, port 0), closed afterwards with its connections. */
async function withServer(server: Server, test: (origin: string) => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await test(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

let server: Server;
let base: string;
let connections = 0;
const seen: { method: string; headers: IncomingMessage["headers"]; body: string }[] = [];
let closedEarly: Promise<boolean> = Promise.resolve(false);

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    seen.push({ method: req.method ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    if (req.url === "/error") {
      res.writeHead(401, { "content-type": "application/json", "x-request-id": "req_1" }).end('{"error":{"message":"bad key"}}');
    } else if (req.url === "/empty") {
      res.writeHead(204).end();
    } else if (req.url === "/hold") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      closedEarly = new Promise((resolve) => res.once("close", () => resolve(!res.writableEnded)));
    } else {
      res.writeHead(200, { "content-type": "text/event-stream", "set-cookie": ["a=1", "b=2"] });
      res.write("data: one\n\n");
      setTimeout(() => res.end("data: two\n\n"), 5);
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function text(response: Response): Promise<string> {
  const reader = bodyReader(response)!;
  const decoder = new TextDecoder();
  let out = "";
  for (let next = await reader.read(); !next.done; next = await reader.read()) out += decoder.decode(next.value, { stream: true });
  return out;
}

describe("nodeHttpFetch", () => {
  const fetcher = nodeHttpFetch()!;

  it("sends method, headers and body; answers status and headers, the body readable as its Node stream", async () => {
    const response: NodeBodyResponse = await fetcher(`${base}/stream`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-1" },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("set-cookie")).toBe("a=1, b=2");
    expect(response[NODE_BODY]).toBeDefined();
    expect(await text(response)).toBe("data: one\n\ndata: two\n\n");
    expect(seen.at(-1)).toMatchObject({
      method: "POST",
      body: '{"a":1}',
      // it does not decompress, so it asks for an uncompressed answer
      headers: { authorization: "Bearer sk-1", "accept-encoding": "identity" },
    });
  });

  it("takes headers as a Headers (what the SDKs pass), pairs or a record", async () => {
    const forms: HeadersInit[] = [
      new Headers({ authorization: "Bearer sk-2", "X-Trace": "t" }),
      [
        ["authorization", "Bearer sk-2"],
        ["X-Trace", "t"],
      ],
      { authorization: "Bearer sk-2", "X-Trace": "t" },
    ];
    for (const headers of forms) {
      await text(await fetcher(`${base}/stream`, { method: "POST", headers, body: "{}" }));
      expect(seen.at(-1)!.headers).toMatchObject({ authorization: "Bearer sk-2", "x-trace": "t", "accept-encoding": "identity" });
    }
  });

  it("serves the web body too (an error body the SDK reads), and a 204 has none", async () => {
    const error = await fetcher(`${base}/error`, { method: "POST", body: new TextEncoder().encode("{}") });
    expect(error.status).toBe(401);
    expect(error.headers.get("x-request-id")).toBe("req_1");
    expect(await error.json()).toEqual({ error: { message: "bad key" } });
    const empty = await fetcher(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it("keeps connections alive: 60 requests, 20 at a time, on at most 20 connections", async () => {
    const before = connections;
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 20 }, async () => text(await fetcher(`${base}/stream`, { method: "POST", body: "{}" }))));
    }
    expect(connections - before).toBeLessThanOrEqual(20);
  });

  it("an abort before the answer rejects with the abort reason and closes the request", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(fetcher(`${base}/stream`, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("an abort mid-body fails the read and closes the connection (the server sees it)", async () => {
    const controller = new AbortController();
    const response = await fetcher(`${base}/hold`, { method: "POST", body: "{}", signal: controller.signal });
    const reader = bodyReader(response)!;
    expect((await reader.read()).done).toBe(false);
    const pending = reader.read();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(await closedEarly).toBe(true);
  });

  it("is undefined where there is no node:http (an edge runtime keeps the global fetch)", () => {
    const edge = globalThis as { EdgeRuntime?: string };
    edge.EdgeRuntime = "edge-runtime";
    try {
      expect(nodeHttpFetch()).toBeUndefined();
    } finally {
      delete edge.EdgeRuntime;
    }
  });

  it("is undefined where the app gave Node's fetch a dispatcher of its own (a proxy, a MockAgent): calls keep using it", () => {
    const key = Symbol.for("undici.globalDispatcher.1");
    const global = globalThis as Record<symbol, unknown>;
    const saved = global[key];
    // what undici's ProxyAgent looks like there: an object of another class than Agent
    global[key] = new (class ProxyAgent {
      readonly kind = "proxy";
    })();
    try {
      expect(nodeHttpFetch()).toBeUndefined();
    } finally {
      global[key] = saved;
    }
    global[key] = new (class Agent {
      readonly kind = "default";
    })();
    try {
      expect(nodeHttpFetch()).toBeTypeOf("function");
    } finally {
      global[key] = saved;
    }
  });

  it("rejects an invalid URL the way fetch does (a TypeError, never a throw)", async () => {
    const result = fetcher("not a url");
    await expect(result).rejects.toBeInstanceOf(TypeError);
  });

  it("a refused connection rejects with the socket error (ECONNREFUSED), for the SDK to report", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fetcher(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("sends a request again, once, on a fresh connection when the pooled one it reused was closed by the server", async () => {
    // the server drops every connection at its second request without answering: what a reused idle connection the
    // server closed at the same moment looks like
    const requestsOn = new WeakMap<object, number>();
    let dropped = 0;
    const dropping = createServer((req, res) => {
      const count = (requestsOn.get(req.socket) ?? 0) + 1;
      requestsOn.set(req.socket, count);
      if (count > 1) {
        dropped++;
        req.socket.destroy();
        return;
      }
      res.end(`answered ${req.method}`);
    });
    await withServer(dropping, async (origin) => {
      const fetchOnce = nodeHttpFetch()!;
      expect(await (await fetchOnce(`${origin}/`, { method: "POST", body: "1" })).text()).toBe("answered POST");
      // the second request goes out on the pooled connection, which the server drops: it is sent again
      expect(await (await fetchOnce(`${origin}/`, { method: "POST", body: "2" })).text()).toBe("answered POST");
      expect(dropped).toBe(1);
    });
  });

  it("does not send a request again when a fresh connection fails, or after the answer began", async () => {
    let requests = 0;
    const failing = createServer((req, res) => {
      requests++;
      if (req.url === "/fresh") return void req.socket.destroy();
      res.writeHead(200);
      res.write("part");
      setTimeout(() => req.socket.destroy(), 10);
    });
    await withServer(failing, async (origin) => {
      const fetchOnce = nodeHttpFetch()!;
      await expect(fetchOnce(`${origin}/fresh`, { method: "POST", body: "x" })).rejects.toMatchObject({ code: "ECONNRESET" });
      expect(requests).toBe(1);
      const cut = await fetchOnce(`${origin}/cut`, { method: "POST", body: "x" });
      await expect(cut.text()).rejects.toThrow();
      expect(requests).toBe(2);
    });
  });

  it("drops an idle pooled connection before the server's announced keep-alive ends, so it is never reused as it closes", async () => {
    let opened = 0;
    const announcing = createServer((_req, res) => res.end("ok"));
    announcing.keepAliveTimeout = 2000; // announced as `Keep-Alive: timeout=2`: the pool drops the connection after 1 s
    announcing.on("connection", () => opened++);
    await withServer(announcing, async (origin) => {
      const fetchOnce = nodeHttpFetch()!;
      await (await fetchOnce(`${origin}/`)).text();
      await (await fetchOnce(`${origin}/`)).text();
      expect(opened).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1300));
      await (await fetchOnce(`${origin}/`)).text();
      expect(opened).toBe(2);
    });
  });
});
