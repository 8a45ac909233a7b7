// Oversized and slow request bodies inside a real Next.js production server: the fixture app in
// test/limits-app (a Pages Router route, an App Router route on the Node.js runtime and one on the Edge
// runtime, all with the suite's short limits) is built with `next build` and served by Next's own request
// handler, in this process so that the suite's LLM is the one the routes call.
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import next from "next";
import type { ServiceAdapter } from "@copilot-runtime/protocol";
import {
  BODY_LIMITS_SUITE_LIMITS,
  BindingTestAdapter,
  describeBodyLimitsConformance,
  fetchOversizedBodies,
  type MountedRuntime,
} from "@copilot-runtime/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = fileURLToPath(new URL("../test/limits-app", import.meta.url));
let nextApp: Promise<ReturnType<typeof next>> | undefined;
afterAll(async () => {
  await (await nextApp)?.close();
});

function build(): void {
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.resolve("next/dist/bin/next")), "build", dir], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
}

/** Next's production server (built once for the file), on a port of its own. */
async function startNext(adapter: ServiceAdapter): Promise<MountedRuntime> {
  (globalThis as { __copilotRuntimeTestAdapter?: ServiceAdapter }).__copilotRuntimeTestAdapter = adapter;
  nextApp ??= Promise.resolve().then(async () => {
    build();
    const app = next({ dev: false, dir, quiet: true });
    await app.prepare();
    return app;
  });
  const handle = (await nextApp).getRequestHandler();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

it("the fixture's routes take the suite's limits", async () => {
  const fixture = new URL("../test/limits-app/runtime.mjs", import.meta.url).href;
  expect(((await import(fixture)) as { limits: unknown }).limits).toEqual(BODY_LIMITS_SUITE_LIMITS);
});

describeBodyLimitsConformance({
  name: "Next.js Pages Router under `next build` + Next's production server",
  endpoint: "/api/pages-limits",
  createRuntime: () => undefined,
  mount: ({ serviceAdapter }) => startNext(serviceAdapter),
});

// Next.js writes an App Router response itself and drops its content-length: the 413 is chunked, so a
// client sees its end once the rest of the body is discarded. Connection: close is kept.
describeBodyLimitsConformance({
  name: "Next.js App Router (Node.js runtime) under `next build` + Next's production server",
  endpoint: "/api/app-limits",
  createRuntime: () => undefined,
  mount: ({ serviceAdapter }) => startNext(serviceAdapter),
});

describe("Next.js App Router on the Edge runtime under Next's production server: what Next itself does", () => {
  let mounted: MountedRuntime;
  const route = "/api/edge-limits/agent/default/run";
  beforeAll(async () => {
    mounted = await startNext(new BindingTestAdapter());
  });
  afterAll(async () => {
    await mounted?.close();
  });

  it("Node's fetch reads the 413 for a 30 MB message and for 200,000 messages (Next reads the whole body first)", async () => {
    const results = await fetchOversizedBodies(`${mounted.url}${route}`, 1);
    for (const result of results) {
      expect(result.error, result.name).toBeUndefined();
      expect(result.status, result.name).toBe(413);
      expect(JSON.parse(result.body!), result.name).toMatchObject({ error: "payload_too_large" });
    }
  }, 60_000);

  it("holds the 408 of a stalled body until the body has arrived: Next waits for the whole body before it answers", async () => {
    const { port } = new URL(mounted.url);
    const socket = connect(Number(port), "127.0.0.1");
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    const closed = new Promise((resolve) => socket.once("close", resolve));
    socket.write(
      `POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n${" ".repeat(500)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, BODY_LIMITS_SUITE_LIMITS.bodyTimeoutMs + 1_000));
    expect(received).toBe("");
    socket.write(" ".repeat(500));
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received).toContain('"error":"request_timeout"');
  });
});
