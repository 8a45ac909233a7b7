import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request a fake server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** The body's bytes as received (what a request signature covers). */
  rawBody: Uint8Array;
  /** Resolves to `true` when the client closed the connection before the response ended. */
  closedEarly: Promise<boolean>;
}

export interface StartedServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => void | Promise<void>;

async function readBody(req: IncomingMessage): Promise<{ body: unknown; rawBody: Uint8Array }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks);
  const text = rawBody.toString("utf8");
  if (text === "") return { body: undefined, rawBody };
  try {
    return { body: JSON.parse(text) as unknown, rawBody };
  } catch {
    return { body: text, rawBody };
  }
}

/** Starts an HTTP server on 127.0.0.1 (port 0: any free port), recording every request. */
export async function startServer(handler: RequestHandler, requests: RecordedRequest[], port = 0): Promise<StartedServer> {
  const sockets = new Set<import("node:net").Socket>();
  const server = createServer((req, res) => {
    const closedEarly = new Promise<boolean>((resolve) => {
      res.on("close", () => resolve(!res.writableFinished));
    });
    void readBody(req)
      .then(async ({ body, rawBody }) => {
        const recorded: RecordedRequest = {
          method: req.method ?? "GET",
          path: req.url ?? "/",
          headers: req.headers,
          body,
          rawBody,
          closedEarly,
        };
        requests.push(recorded);
        await handler(req, res, recorded);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
