// The handlers inside a real Next.js production server: the fixture app in
// test/app is built with `next build` and served by Next's own request handler
// (what `next start` runs), in this process so the suite can hold and release its LLM.
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import next from "next";
import type { ServiceAdapter } from "@copilot-runtime/protocol";
import { describeBindingConformance, type MountedRuntime } from "@copilot-runtime/testing/conformance";

const dir = fileURLToPath(new URL("../test/app", import.meta.url));
let built: Promise<void> | undefined;

function buildApp(): Promise<void> {
  built ??= new Promise<void>((resolve, reject) => {
    const result = spawnSync(process.execPath, [fileURLToPath(import.meta.resolve("next/dist/bin/next")), "build", dir], {
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      encoding: "utf8",
    });
    if (result.status === 0) resolve();
    else reject(new Error(`next build failed:\n${result.stdout}\n${result.stderr}`));
  });
  return built;
}

async function startNext(adapter: ServiceAdapter): Promise<MountedRuntime> {
  (globalThis as { __copilotRuntimeTestAdapter?: ServiceAdapter }).__copilotRuntimeTestAdapter = adapter;
  await buildApp();
  const app = next({ dev: false, dir, quiet: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
    },
  };
}

describeBindingConformance({
  name: "Next.js App Router under `next build` + Next's production server",
  endpoint: "/api/copilotkit",
  createRuntime: () => undefined,
  mount: ({ serviceAdapter }) => startNext(serviceAdapter),
});

describeBindingConformance({
  name: "Next.js Pages Router under `next build` + Next's production server",
  endpoint: "/api/pages-copilotkit",
  createRuntime: () => undefined,
  mount: ({ serviceAdapter }) => startNext(serviceAdapter),
});
