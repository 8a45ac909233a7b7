// Test helper: a small round-robin load balancer in front of several demo instances (node:http, no buffering).
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Which backend served it (its index). */
  backend: number;
}

export interface RoundRobinProxy {
  base: string;
  /** Every request, in order, with the backend it went to. */
  log: ProxiedRequest[];
  /** Takes a backend out of the rotation, as a rolling deploy does; requests already going on to it go on. */
  drain(backend: number): void;
  /** Puts every backend back in the rotation. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * Sends each request to the next backend in turn, without sticky sessions: the runtime's POSTs (run, connect,
 * stop) take turns, and so do the other requests (the page, its assets, `/info`), so that two consecutive POSTs
 * of one page never reach the same instance. Streams both ways as the bytes come; a client that goes away
 * closes its backend request too, as a real load balancer does.
 */
export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  const log: ProxiedRequest[] = [];
  const turns = { post: 0, other: 0 };
  const drained = new Set<number>();
  const server: Server = createServer((req, res) => {
    const kind = req.method === "POST" ? "post" : "other";
    let backend = turns[kind]++ % backends.length;
    while (drained.has(backend)) backend = turns[kind]++ % backends.length;
    log.push({ method: req.method ?? "GET", path: req.url ?? "/", backend });
    const target = new URL(req.url ?? "/", backends[backend]);
    const upstream = request(target, { method: req.method, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    // the browser left (a reload): the instance sees its client go away
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    drain: (backend) => {
      if (drained.size + 1 >= backends.length) throw new Error("at least one backend stays in the rotation");
      drained.add(backend);
    },
    restore: () => drained.clear(),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
