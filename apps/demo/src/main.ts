import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { ErrorReport } from "@copilot-runtime/core";
import {
  clientDisconnectFromEnv,
  createDemoServer,
  ENDPOINT,
  mcpServersFromEnv,
  remoteAgentFromEnv,
  runStoreFromEnv,
  serviceAdapterFromEnv,
  WEB_ROOT,
  type DemoRunStore,
} from "./server.js";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 3000);
const { adapter, description } = serviceAdapterFromEnv();
let store: DemoRunStore;
let disconnect: ReturnType<typeof clientDisconnectFromEnv>;
let remote: ReturnType<typeof remoteAgentFromEnv>;
let mcp: ReturnType<typeof mcpServersFromEnv>;
try {
  disconnect = clientDisconnectFromEnv();
  remote = remoteAgentFromEnv();
  mcp = mcpServersFromEnv();
  store = runStoreFromEnv();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
try {
  await store.ready();
} catch (error) {
  await store.close();
  fail(
    `${error instanceof Error ? error.message : String(error)}\nStart Redis (redis-server), or unset REDIS_URL to keep threads in memory.`,
  );
}

/** The demo is the host: it logs what the runtime reports, except a client leaving or a stop (both expected). */
function logError({ error, source }: ErrorReport): void {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "aborted" || code === "stopped") return;
  console.error(`[${source}] ${error instanceof Error ? error.message : String(error)}`);
}

const server = createDemoServer(adapter, {
  runStore: store.runStore,
  onClientDisconnect: disconnect.policy,
  onError: logError,
  agents: remote.agents,
  mcpServers: mcp.mcpServers,
});

server.on("error", (error: NodeJS.ErrnoException) => {
  void store.close();
  fail(error.code === "EADDRINUSE" ? `Port ${port} is in use; set PORT to another port.` : error.message);
});
server.listen(port, () => {
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  console.log(`Copilot Runtime demo listening on ${origin}`);
  console.log(`  page:    ${origin}/${existsSync(WEB_ROOT) ? "" : "  (not built: run pnpm demo)"}`);
  console.log(`  runtime: ${origin}${ENDPOINT}  (GET ${ENDPOINT}/info, POST ${ENDPOINT}/agent/default/run)`);
  console.log(`  model:   ${description}`);
  console.log(`  store:   ${store.description}`);
  console.log(`  runs:    ${disconnect.description}`);
  console.log(`  remote agent: ${remote.description}`);
  console.log(`  mcp:     ${mcp.description}`);
});

/** How long runs in flight get to finish on SIGTERM / Ctrl-C (SHUTDOWN_GRACE_MS, default 10 s). */
const SHUTDOWN_GRACE_MS = Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000);
let closing = false;
function shutdown(): void {
  if (closing) process.exit(1); // a second Ctrl-C does not wait
  closing = true;
  console.log(`shutting down: no new runs; runs in flight get ${SHUTDOWN_GRACE_MS / 1000} s to finish`);
  // never wait longer than the grace period, the runs' ends and a store that does not answer
  setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS + 8000).unref();
  void server.copilotRuntime
    .close({ graceMs: SHUTDOWN_GRACE_MS })
    .then(async () => {
      server.close();
      server.closeAllConnections();
      await store.close();
    })
    .finally(() => process.exit(0));
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
