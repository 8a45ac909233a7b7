// `pnpm --filter @copilot-runtime/bench profile [--requests 3000] [--warmup 2500] [--server <server script>] [--provider openai]`:
// where a server's CPU goes at concurrency 50. The server (default: bench/src/server-ours.mjs; `--server` takes any
// target's script, e.g. a baseline checkout's) runs under `node --cpu-prof` on CPU 0, the fake provider and the load
// generator on CPU 1, as in `pnpm bench`. Every sample is given to the nearest frame of a package (ours, the vendor
// SDK, undici…), so "openai 8 %" means 8 % of the busy time was spent in the openai SDK or in what it called; what
// no package frame is on is Node itself (sockets, HTTP parsing, timers). Prints the shares by package and the top
// functions.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { start } from "./children.mjs";
import { cpuMs, pool, streamRequest } from "./measure.mjs";

const option = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const REQUESTS = Number(option("--requests", "3000"));
const WARMUP = Number(option("--warmup", "2500"));
const PROVIDER = option("--provider", "openai");
const SERVER = option("--server", fileURLToPath(new URL("./server-ours.mjs", import.meta.url)));
const TOP = Number(option("--top", "25"));
const dir = mkdtempSync(join(os.tmpdir(), "cr-profile-"));

// the server writes its profile on a normal exit: a wrapper that turns SIGINT into one
const wrapper = join(dir, "profiled-server.mjs");
writeFileSync(
  wrapper,
  `process.on("SIGINT", () => process.exit(0));\nawait import(${JSON.stringify(new URL(`file://${SERVER}`).href)});\n`,
);

const fake = await start(fileURLToPath(new URL("./server-fake.mjs", import.meta.url)), [PROVIDER], { cpu: 1, execArgv: [] });
const server = await start(wrapper, [fake.baseURL], { cpu: 0, execArgv: ["--cpu-prof", `--cpu-prof-dir=${dir}`] });
const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
const body = () => ({
  threadId: crypto.randomUUID(),
  runId: crypto.randomUUID(),
  messages: [{ id: "u1", role: "user", content: "hello" }],
  tools: [],
  context: [],
  state: {},
  forwardedProps: {},
});
const ask = async () => {
  const answer = await streamRequest(agent, server.port, server.path, body());
  if (answer.status !== 200 || !answer.text.includes("RUN_FINISHED"))
    throw new Error(`invalid answer: ${answer.status} ${answer.text.slice(0, 200)}`);
};
await pool(WARMUP, 50, ask); // warm-up, as the bench does (V8 optimizes per-request code late)
const cpuBefore = cpuMs(server.child.pid);
const started = performance.now();
await pool(REQUESTS, 50, ask);
const seconds = (performance.now() - started) / 1000;
const cpuPerRequest = (cpuMs(server.child.pid) - cpuBefore) / REQUESTS;
server.child.removeAllListeners("exit");
const exited = new Promise((resolve) => server.child.once("exit", resolve));
server.child.kill("SIGINT");
await exited;
fake.child.kill();

const profile = JSON.parse(
  readFileSync(
    join(
      dir,
      readdirSync(dir).find((file) => file.endsWith(".cpuprofile")),
    ),
    "utf8",
  ),
);
rmSync(dir, { recursive: true, force: true });
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
/** The package a script belongs to: one of ours (`@copilot-runtime/x`), one in node_modules, or none (Node itself). */
function packageOf(url) {
  const ours = /packages\/([a-z-]+)\/(?:dist|src)\//.exec(url);
  if (ours) return `@copilot-runtime/${ours[1]}`;
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  return undefined;
}
const byPackage = new Map();
const byFunction = new Map();
let busy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const time = profile.timeDeltas[i] ?? 0;
  let id = profile.samples[i];
  const leaf = nodes.get(id).callFrame;
  if (leaf.functionName === "(idle)") continue;
  busy += time;
  let owner = leaf.functionName === "(garbage collector)" ? "garbage collection" : undefined;
  let where = owner;
  while (owner === undefined && id !== undefined) {
    const frame = nodes.get(id).callFrame;
    const name = packageOf(frame.url);
    if (name !== undefined) {
      owner = name;
      where = `${name} ${frame.functionName || "(anonymous)"}`;
    }
    id = parents.get(id);
  }
  owner ??= "Node itself (sockets, HTTP, timers)";
  where ??= `Node ${leaf.functionName || leaf.url.split("/").pop()}`;
  byPackage.set(owner, (byPackage.get(owner) ?? 0) + time);
  byFunction.set(where, (byFunction.get(where) ?? 0) + time);
}
const share = (time) => `${((time / busy) * 100).toFixed(1)} %`;
console.log(
  `${SERVER} on the fake ${PROVIDER} provider: ${REQUESTS} runs at concurrency 50, ${(REQUESTS / seconds).toFixed(0)} req/s, ` +
    `server CPU ${cpuPerRequest.toFixed(2)} ms per run (under the profiler)\n`,
);
const msPerRun = (time) => ((time / busy) * cpuPerRequest).toFixed(2);
console.log("| share of the server's busy time | ms per run | spent in (or called from) |\n| --- | --- | --- |");
for (const [name, time] of [...byPackage].sort((a, b) => b[1] - a[1]))
  if (time / busy >= 0.005) console.log(`| ${share(time)} | ${msPerRun(time)} | ${name} |`);
console.log(`\ntop ${TOP} functions (with what they called outside any package):`);
for (const [name, time] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${share(time).padStart(7)}  ${name}`);
