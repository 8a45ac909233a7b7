// `pnpm bench`: Copilot Runtime side by side with the published CopilotKit runtime (v1 and v2 APIs), with the Vercel
// AI SDK 6 on its own, and with the limit (the bench talking to the fake provider directly), in one run: three rounds
// (five at concurrency 50) per point, alternating targets, every answer validated. The servers under test run on
// CPU 0, the fake providers and the load generator on CPU 1 (`taskset`), when the machine has both.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { ask, start as startChild } from "./children.mjs";
import { measureFootprint } from "./footprint.mjs";
import { cpuMs, percentile, pool, poolFor, rssMiB, streamRequest } from "./measure.mjs";
import { REDIS_SERVER, startRedisServer } from "./redis-server.mjs";
import { TOOL_PROMPT } from "./scenario.mjs";
import { validateAgui, validateAnthropic, validateGemini, validateOpenAI, validateUIMessageStream } from "./validate.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const option = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const QUICK = process.argv.includes("--quick");
const SKIP_FOOTPRINT = process.argv.includes("--no-footprint");
const CONCURRENCY = [1, 10, 50, 200];
/** Rounds per point: five at concurrency 50, where the goals are read (a noisy round moves a median of five less). */
const ROUNDS_AT = QUICK ? { 1: 3, 10: 3, 50: 3, 200: 3 } : { 1: 3, 10: 3, 50: 5, 200: 3 };
/** Requests per target and round (at least), for each concurrency. */
const REQUESTS = QUICK ? { 1: 10, 10: 40, 50: 60, 200: 200 } : { 1: 40, 10: 120, 50: 500, 200: 800 };
/**
 * How long a round lasts (at least): the same time for every target, so that a fast target's round is not over in a
 * fraction of a second (its ramp-up and ramp-down, and /proc's 10 ms CPU ticks, then weigh on its figures).
 */
const ROUND_MS = QUICK ? 0 : 2000;
/** Unmeasured requests per scenario and target before any round, at concurrency 50. */
const WARM_REQUESTS = QUICK ? 30 : 2500;
const SCENARIOS = ["text", "tool"];
// `--baseline <dir>`: also serve a built checkout of this repository (e.g. the commit before a change)
// as the target "baseline", to measure a change against it in the same run.
/** The commit the baseline checkout is at, for the report. */
function baselineCommit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: resolve(BASELINE_DIR) })
      .toString()
      .trim();
  } catch {
    return "unknown";
  }
}
const BASELINE_DIR = option("--baseline");
// `--otel`: also serve Copilot Runtime with `telemetry: openTelemetry()`, without an SDK (ours-otel-off) and with one
// (ours-otel), to measure what telemetry costs in the same run.
const OTEL = process.argv.includes("--otel");
// `--targets a,b,c`: only these targets (e.g. `--targets limit,ours,copilotkit-v2`); goals missing one say "not measured".
const ONLY = option("--targets")
  ?.split(",")
  .map((name) => name.trim());
// `--no-write`: print the tables only, leave RESULTS.md as it is (for a look at a few targets).
const WRITE = !process.argv.includes("--no-write");
const COPILOTKIT_VERSION = "1.75.0";
const log = (...args) => console.error(...args);

/**
 * Every target: its provider (which fake it talks to), what it answers (`limit`: the provider's own stream, read by the
 * bench directly; `agui`: AG-UI events; `ui`: the AI SDK's UI message stream) and its server script and arguments.
 */
const TARGET_DEFS = {
  limit: { provider: "openai", kind: "limit" },
  ours: { provider: "openai" },
  "ours-openai-client": { provider: "openai", script: "ours", args: (baseURL) => [baseURL, "client"] },
  "ours-middleware": { provider: "openai" },
  "ours-ai-sdk": { provider: "openai" },
  "ours-redis": { provider: "openai", args: (baseURL) => [baseURL, REDIS.url] },
  baseline: { provider: "openai", file: () => join(resolve(BASELINE_DIR), "bench/src/server-ours.mjs") },
  "ours-otel-off": { provider: "openai", script: "ours-otel", args: (baseURL) => [baseURL, "off"] },
  "ours-otel": { provider: "openai", script: "ours-otel", args: (baseURL) => [baseURL, "on"] },
  "ai-sdk-6": { provider: "openai", kind: "ui" },
  "limit-anthropic": { provider: "anthropic", kind: "limit" },
  "ours-anthropic": { provider: "anthropic" },
  "limit-gemini": { provider: "gemini", kind: "limit" },
  "ours-gemini": { provider: "gemini" },
  "copilotkit-v1": { provider: "openai" },
  "copilotkit-v2": { provider: "openai" },
  "copilotkit-v2-responses": { provider: "openai", script: "copilotkit-v2", args: (baseURL) => [baseURL, "responses"] },
};
const COPILOTKIT = ["copilotkit-v1", "copilotkit-v2", "copilotkit-v2-responses"];
const DEFAULT_TARGETS = [
  "limit",
  "ours",
  "ours-openai-client",
  "ours-middleware",
  "ours-ai-sdk",
  "ours-redis",
  ...(BASELINE_DIR ? ["baseline"] : []),
  ...(OTEL ? ["ours-otel-off", "ours-otel"] : []),
  "ai-sdk-6",
  "limit-anthropic",
  "ours-anthropic",
  "limit-gemini",
  "ours-gemini",
  "copilotkit-v1",
  "copilotkit-v2",
];
for (const name of ONLY ?? [])
  if (!(name in TARGET_DEFS)) throw new Error(`unknown target ${name}: ${Object.keys(TARGET_DEFS).join(", ")}`);
const wanted = ONLY ?? DEFAULT_TARGETS;
const isLimit = (target) => TARGET_DEFS[target].kind === "limit";

// Pinning: the bench process (the load generator; the fakes and redis-server it forks inherit it) on CPU 1, every
// server under test on CPU 0. `-a`: all of the bench's threads, not only the main one.
const PIN = (() => {
  const allowed = new Set();
  const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "";
  for (const range of list.split(",")) {
    const [from, to = from] = range.split("-").map(Number);
    for (let cpu = from; cpu <= to; cpu++) allowed.add(cpu);
  }
  const taskset = ["/usr/bin/taskset", "/bin/taskset"].some((path) => existsSync(path));
  if (!taskset) return { on: false, note: "not pinned: `taskset` is missing (apt-get install -y util-linux)" };
  if (!allowed.has(0) || !allowed.has(1)) return { on: false, note: `not pinned: CPUs 0 and 1 are not both available (allowed: ${list})` };
  try {
    execFileSync("taskset", ["-a", "-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
  } catch (error) {
    return { on: false, note: `not pinned: taskset failed (${error instanceof Error ? error.message.split("\n")[0] : error})` };
  }
  const others = allowed.size > 2 ? ` (CPUs ${[...allowed].filter((cpu) => cpu > 1).join(", ")} unused)` : "";
  return {
    on: true,
    note:
      "pinned with `taskset`: each server under test on CPU 0; the fake providers, redis-server and the load generator " +
      `(the bench process, which also runs the limit targets' clients) on CPU 1${others}`,
  };
})();

const REDIS = wanted.includes("ours-redis") ? await startRedisServer() : undefined;
const REDIS_SKIPPED = `redis-server not found at ${REDIS_SERVER} (apt-get install -y redis-server): the target ours-redis is skipped`;
const TARGETS = wanted.filter((target) => target !== "ours-redis" || REDIS);
const SERVERS = TARGETS.filter((target) => !isLimit(target));
const has = (...targets) => targets.every((target) => TARGETS.includes(target));

/** The server script of a target. */
const serverFile = (target) =>
  TARGET_DEFS[target].file?.() ?? fileURLToPath(new URL(`./server-${TARGET_DEFS[target].script ?? target}.mjs`, import.meta.url));
const serverArgs = (target, baseURL) => TARGET_DEFS[target].args?.(baseURL) ?? [baseURL];

/**
 * Node's flags for every process the bench starts (servers under test and fakes alike). `--no-memory-reducer`: V8
 * shrinks the heap of a process it sees idle, and the bench leaves each server idle for tens of seconds while the
 * other targets run; after 60 s idle, a warm server of ours spent about twice the CPU per answer on its next 1,500
 * answers while its heap grew back (0.74 → 1.5 ms; 0.8 ms with this flag), which a server under steady traffic never
 * pays. Every target gets the same flags.
 */
const CHILD_FLAGS = ["--expose-gc", "--no-memory-reducer"];

/** Starts a server script (`pin`: on CPU 0, when the bench pins). */
const start = (file, args = [], pin = false) => startChild(file, args, { execArgv: CHILD_FLAGS, ...(pin && PIN.on ? { cpu: 0 } : {}) });

function importTime(specifiers) {
  const code = [
    "const t=performance.now();",
    `await Promise.all(${JSON.stringify(specifiers)}.map((s)=>import(s)));`,
    "console.log(performance.now()-t)",
  ].join("");
  const argv = [process.execPath, "--input-type=module", "-e", code];
  const [command, ...args] = PIN.on ? ["taskset", "-c", "0", ...argv] : argv;
  const runs = Array.from({ length: 5 }, () =>
    Number(
      execFileSync(command, args, {
        cwd: fileURLToPath(new URL("..", import.meta.url)),
        env: { ...process.env, COPILOTKIT_TELEMETRY_DISABLED: "true", DO_NOT_TRACK: "1" },
      }).toString(),
    ),
  );
  return percentile(runs, 50);
}

const runInput = (text) => ({
  threadId: `t-${crypto.randomUUID()}`,
  runId: `r-${crypto.randomUUID()}`,
  messages: [{ id: "u1", role: "user", content: text }],
  tools: [],
  context: [],
  state: {},
  forwardedProps: {},
});

const TOOL_DESCRIPTION = "Says hello to someone.";
const TOOL_PARAMETERS = { type: "object", properties: { arg: { type: "string" } }, required: ["arg"] };

/**
 * The limit: the bench's own HTTP client asking the fake provider directly, the same answer (for the tool scenario:
 * the two provider calls one after the other, as a runtime makes them). No SDK: the cost of the wire alone.
 */
const LIMITS = {
  openai: {
    path: () => "/v1/chat/completions",
    headers: { authorization: "Bearer sk-bench" },
    body: (scenario, messages) => ({
      model: "gpt-4o",
      stream: true,
      stream_options: { include_usage: true },
      messages,
      ...(scenario === "tool"
        ? { tools: [{ type: "function", function: { name: "sayHello", description: TOOL_DESCRIPTION, parameters: TOOL_PARAMETERS } }] }
        : {}),
    }),
    first: (prompt) => [{ role: "user", content: prompt }],
    second: (prompt) => [
      { role: "user", content: prompt },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c", type: "function", function: { name: "sayHello", arguments: '{"arg":"Ada"}' } }],
      },
      { role: "tool", tool_call_id: "c", content: "Hello, Ada!" },
    ],
    validate: validateOpenAI,
  },
  anthropic: {
    path: () => "/v1/messages",
    headers: { "x-api-key": "sk-ant-bench", "anthropic-version": "2023-06-01" },
    body: (scenario, messages) => ({
      model: "claude-sonnet-5-5",
      max_tokens: 4096,
      stream: true,
      messages,
      ...(scenario === "tool" ? { tools: [{ name: "sayHello", description: TOOL_DESCRIPTION, input_schema: TOOL_PARAMETERS }] } : {}),
    }),
    first: (prompt) => [{ role: "user", content: prompt }],
    second: (prompt) => [
      { role: "user", content: prompt },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "sayHello", input: { arg: "Ada" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "Hello, Ada!" }] },
    ],
    validate: validateAnthropic,
  },
  gemini: {
    path: () => "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    headers: { "x-goog-api-key": "gemini-bench-key" },
    body: (scenario, contents) => ({
      contents,
      ...(scenario === "tool"
        ? { tools: [{ functionDeclarations: [{ name: "sayHello", description: TOOL_DESCRIPTION, parameters: TOOL_PARAMETERS }] }] }
        : {}),
    }),
    first: (prompt) => [{ role: "user", parts: [{ text: prompt }] }],
    second: (prompt) => [
      { role: "user", parts: [{ text: prompt }] },
      { role: "model", parts: [{ functionCall: { name: "sayHello", args: { arg: "Ada" } } }] },
      { role: "user", parts: [{ functionResponse: { name: "sayHello", response: { result: "Hello, Ada!" } } }] },
    ],
    validate: validateGemini,
  },
};

async function main() {
  log(`Copilot Runtime benchmark${QUICK ? " (quick)" : ""}: targets ${TARGETS.join(", ")}`);
  log(`  ${PIN.note}`);
  if (wanted.includes("ours-redis") && !REDIS) log(`  ${REDIS_SKIPPED}`);
  const fakes = {};
  for (const provider of new Set(TARGETS.map((target) => TARGET_DEFS[target].provider))) {
    const fake = await start(fileURLToPath(new URL("./server-fake.mjs", import.meta.url)), [provider]);
    fakes[provider] = { ...fake, port: Number(new URL(fake.url).port) };
  }
  const fakeOf = (target) => fakes[TARGET_DEFS[target].provider];

  // One request to a target, validated.
  async function request(target, scenario, agent, server) {
    const prompt = scenario === "tool" ? TOOL_PROMPT : "hello";
    if (isLimit(target)) {
      const limit = LIMITS[TARGET_DEFS[target].provider];
      const port = fakeOf(target).port;
      const call = async (messages, expectTool) => {
        const response = await streamRequest(agent, port, limit.path(), limit.body(scenario, messages), limit.headers);
        if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.text.slice(0, 200)}`);
        limit.validate(response.text, expectTool);
        return response;
      };
      const first = await call(limit.first(prompt), scenario === "tool");
      if (scenario !== "tool") return first;
      const second = await call(limit.second(prompt), false);
      return { ttfe: first.ttfe, total: first.total + second.total };
    }
    if (TARGET_DEFS[target].kind === "ui") {
      const body = { messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: prompt }] }] };
      const response = await streamRequest(agent, server.port, server.path, body);
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.text.slice(0, 200)}`);
      validateUIMessageStream(response.text, scenario);
      return response;
    }
    const input = runInput(prompt);
    const body = server.envelope ? { method: "agent/run", params: { agentId: "default" }, body: input } : input;
    const response = await streamRequest(agent, server.port, server.path, body, server.headers);
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.text.slice(0, 200)}`);
    for (const name of server.expectHeaders ?? []) if (!(name in response.headers)) throw new Error(`no ${name} header`);
    validateAgui(response.text, scenario);
    return response;
  }

  /** Spawns a server and measures its cold start: spawn → listening, and spawn → its first valid answer (text). */
  async function launch(target) {
    const started = performance.now();
    const server = await start(serverFile(target), serverArgs(target, fakeOf(target).baseURL), true);
    const listeningMs = performance.now() - started;
    const agent = new http.Agent({ keepAlive: true });
    let firstAnswerMs = NaN;
    let firstAnswerError;
    try {
      await request(target, "text", agent, server);
      firstAnswerMs = performance.now() - started;
    } catch (error) {
      firstAnswerError = error instanceof Error ? error.message : String(error);
    }
    agent.destroy();
    return { ...server, listeningMs, firstAnswerMs, firstAnswerError };
  }

  const servers = {};
  const results = {};
  for (const target of TARGETS) {
    results[target] = { loadRssMiB: 0, phases: {}, failures: 0, failureSample: undefined, coldStarts: [], listening: [] };
    if (isLimit(target)) continue;
    servers[target] = await launch(target);
    results[target].coldStarts.push(servers[target].firstAnswerMs);
    results[target].listening.push(servers[target].listeningMs);
    if (servers[target].firstAnswerError) results[target].firstAnswerError = servers[target].firstAnswerError;
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  // idle: every server has given its first answer and rests
  for (const target of SERVERS) results[target].idleRssMiB = rssMiB(servers[target].pid);
  for (const target of SERVERS) results[target].idleHeapMiB = await ask(servers[target].child, "gc", "heapUsedMiB");

  // Warm-up (JIT, connection pools), not measured; the fake reports which API paths each target asked for. A Node
  // server keeps getting faster for its first thousands of requests (V8 optimizes its per-request code late), so a
  // full run warms each target with 2500 requests per scenario at concurrency 50 to measure the steady state.
  for (const target of TARGETS) {
    await ask(fakeOf(target).child, "paths", "paths");
    const [warmRequests, warmConcurrency] = [WARM_REQUESTS, QUICK ? 10 : 50];
    const agent = new http.Agent({ keepAlive: true, maxSockets: warmConcurrency });
    for (const scenario of SCENARIOS)
      await pool(warmRequests, warmConcurrency, () => request(target, scenario, agent, servers[target]).catch(() => undefined));
    agent.destroy();
    results[target].providerPaths = await ask(fakeOf(target).child, "paths", "paths");
  }

  /**
   * Waits until a process has finished what a round left it (streams closing, garbage collection): its CPU time stops
   * growing for 100 ms (at most 3 s), so that the next round's server does not share CPU 0 with the last one.
   */
  async function settled(pid) {
    const deadline = performance.now() + 3000;
    let last = cpuMs(pid);
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = cpuMs(pid);
      if (now === last) return;
      last = now;
    }
  }

  /**
   * The apparatus, clean before every round: the load generator (this process) and the target's fake provider collect
   * their garbage and settle, so that a round does not pay for the one before it (after a limit target's round of
   * thousands of answers, both had been collecting its garbage during the next target's round). The servers under
   * test are left as they are: their garbage is part of what they cost.
   */
  v8.setFlagsFromString("--expose-gc");
  const collectGarbage = vm.runInNewContext("gc");
  async function quiet(target) {
    collectGarbage();
    await ask(fakeOf(target).child, "gc", "collected");
    await settled(fakeOf(target).pid);
  }

  let point = 0;
  for (const scenario of SCENARIOS) {
    for (const concurrency of CONCURRENCY) {
      const key = `${scenario}@${concurrency}`;
      const count = REQUESTS[concurrency];
      for (const target of TARGETS) results[target].phases[key] = { rounds: [], failures: 0 };
      // each round in another order (rotated, every other one reversed), so drift hits every target alike
      const rounds = ROUNDS_AT[concurrency];
      for (let round = 0; round < rounds; round++) {
        const shift = (point + round * Math.ceil(TARGETS.length / rounds)) % TARGETS.length;
        const rotated = [...TARGETS.slice(shift), ...TARGETS.slice(0, shift)];
        for (const target of round % 2 === 1 ? rotated.toReversed() : rotated) {
          const phase = results[target].phases[key];
          await quiet(target);
          const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
          // the round's connections first (client → server, and the server's to its provider), not measured: each
          // round then measures the steady state, whichever targets ran (and let connections idle) in between
          await pool(concurrency, concurrency, () => request(target, scenario, agent, servers[target]).catch(() => undefined));
          const pid = isLimit(target) ? fakeOf(target).pid : servers[target].pid;
          const cpuBefore = cpuMs(pid);
          const redisCpuBefore = target === "ours-redis" ? cpuMs(REDIS.pid) : 0;
          const sampler = setInterval(() => {
            if (!isLimit(target)) results[target].loadRssMiB = Math.max(results[target].loadRssMiB, rssMiB(pid));
          }, 100);
          const ttfe = [];
          const total = [];
          let failures = 0;
          const started = performance.now();
          const done = await poolFor({ count, ms: ROUND_MS, concurrency }, async () => {
            try {
              const response = await request(target, scenario, agent, servers[target]);
              ttfe.push(response.ttfe);
              total.push(response.total);
            } catch (error) {
              failures++;
              results[target].failureSample ??= `${scenario}: ${error instanceof Error ? error.message : String(error)}`;
            }
          });
          const wallMs = performance.now() - started;
          clearInterval(sampler);
          agent.destroy();
          await settled(pid);
          phase.failures += failures;
          results[target].failures += failures;
          phase.rounds.push({
            rps: done / (wallMs / 1000),
            cpu: (cpuMs(pid) - cpuBefore) / done,
            redisCpu: target === "ours-redis" ? (cpuMs(REDIS.pid) - redisCpuBefore) / done : NaN,
            ttfeP50: percentile(ttfe, 50),
            ttfeP99: percentile(ttfe, 99),
            totalP50: percentile(total, 50),
            totalP99: percentile(total, 99),
          });
        }
      }
      point++;
      log(`  ${key}: ${TARGETS.map((t) => `${t} ${spread(results[t].phases[key], "rps", f0)}`).join(", ")} req/s`);
    }
  }

  // after load: every server collects its garbage, then memory is read (a leak stays)
  for (const target of SERVERS) results[target].afterHeapMiB = await ask(servers[target].child, "gc", "heapUsedMiB");
  await new Promise((resolve) => setTimeout(resolve, 2000));
  for (const target of SERVERS) results[target].afterRssMiB = rssMiB(servers[target].pid);
  for (const target of SERVERS) servers[target].child.kill();

  // cold start: two more spawns per server, one at a time, nothing else running but the fakes
  log("  cold starts...");
  for (const target of SERVERS) {
    for (let i = 0; i < 2; i++) {
      const extra = await launch(target);
      results[target].coldStarts.push(extra.firstAnswerMs);
      results[target].listening.push(extra.listeningMs);
      if (extra.firstAnswerError) results[target].firstAnswerError ??= extra.firstAnswerError;
      extra.child.kill();
      await new Promise((resolve) => extra.child.once("exit", resolve));
    }
  }

  log("  import times...");
  const OURS = ["@copilot-runtime/core", "@copilot-runtime/node"];
  const IMPORTS = {
    ours: [...OURS, "@copilot-runtime/openai", "openai"],
    "ours-middleware": [...OURS, "@copilot-runtime/openai", "openai", "@copilot-runtime/middleware"],
    "ours-redis": [...OURS, "@copilot-runtime/openai", "openai", "@copilot-runtime/redis"],
    "ours-ai-sdk": [...OURS, "@copilot-runtime/ai-sdk", "@ai-sdk/openai"],
    "ours-anthropic": [...OURS, "@copilot-runtime/anthropic", "@anthropic-ai/sdk"],
    "ours-gemini": [...OURS, "@copilot-runtime/google", "@google/genai"],
    "ai-sdk-6": ["ai", "@ai-sdk/openai", "zod"],
    copilotkit: ["@copilotkit/runtime"],
  };
  const imports = {};
  for (const [name, specifiers] of Object.entries(IMPORTS))
    if (name === "copilotkit" ? TARGETS.some((target) => COPILOTKIT.includes(target)) : has(name)) imports[name] = importTime(specifiers);

  let footprint;
  if (!SKIP_FOOTPRINT) {
    log("  install footprints (npm install in fresh folders)...");
    try {
      const openaiVersion = JSON.parse(readFileSync(new URL("../node_modules/openai/package.json", import.meta.url), "utf8")).version;
      footprint = measureFootprint(ROOT, openaiVersion, COPILOTKIT_VERSION);
    } catch (error) {
      footprint = { error: error instanceof Error ? error.message.split("\n")[0] : String(error) };
    }
  }

  for (const fake of Object.values(fakes)) fake.child.kill();
  REDIS?.close();
  report(results, imports, footprint);
}

const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : "–");
const f2 = (n) => (Number.isFinite(n) ? n.toFixed(2) : "–");
const signed = (n) => `${n >= 0 ? "+" : ""}${f1(n)}`;
const f0 = (n) => (Number.isFinite(n) ? Math.round(n).toString() : "–");
const mib = (bytes) => bytes / (1024 * 1024);
const median = (values) => percentile(values.filter(Number.isFinite), 50);
/** A figure over a phase's rounds: its median, or "median (min–max)". */
function spread(phase, field, format) {
  const values = phase.rounds.map((round) => round[field]).filter(Number.isFinite);
  if (values.length === 0) return "–";
  const mid = format(percentile(values, 50));
  return values.length > 1 ? `${mid} (${format(Math.min(...values))}–${format(Math.max(...values))})` : mid;
}

/** The spread of the per-round p99 / p50 (total time). */
const tailSpread = (phase) => {
  const ratios = phase.rounds.map((round) => round.totalP99 / round.totalP50).filter(Number.isFinite);
  return ratios.length > 1 ? ` (rounds ${f2(Math.min(...ratios))}–${f2(Math.max(...ratios))}×)` : "";
};
function report(results, imports, footprint) {
  const phaseOf = (target, key) => results[target]?.phases[key];
  const med = (target, key, field) => median(phaseOf(target, key)?.rounds.map((round) => round[field]) ?? []);

  const lines = [];
  const out = (line = "") => lines.push(line);
  const row = (...cells) => out(`| ${cells.join(" | ")} |`);
  out(
    "| scenario @ concurrency | target | req/s: median (min–max) | TTFE p50 / p99 (ms) | total p50 / p99 (ms) | " +
      "server CPU ms/req | failures |",
  );
  out("|---|---|---|---|---|---|---|");
  for (const scenario of SCENARIOS) {
    for (const c of CONCURRENCY) {
      const key = `${scenario}@${c}`;
      for (const target of TARGETS) {
        const phase = phaseOf(target, key);
        row(
          key,
          target,
          spread(phase, "rps", f0),
          `${f1(med(target, key, "ttfeP50"))} / ${f1(med(target, key, "ttfeP99"))}`,
          `${f1(med(target, key, "totalP50"))} / ${f1(med(target, key, "totalP99"))}`,
          `${isLimit(target) ? "(fake) " : ""}${f1(med(target, key, "cpu"))}${
            target === "ours-redis" ? ` + redis ${f1(med(target, key, "redisCpu"))}` : ""
          }`,
          phase.failures,
        );
      }
    }
  }
  out();
  row(
    "target",
    "provider API (paths the fake saw)",
    "cold start: spawn → first valid answer (ms), median (min–max)",
    "spawn → listening (ms)",
    "import (ms)",
    "RSS idle (after the first answer) / under load / after (MiB)",
    "heap after GC, idle → after load (MiB)",
    "invalid answers",
  );
  out("|---|---|---|---|---|---|---|---|");
  const coldStart = (target) => median(results[target].coldStarts);
  for (const target of TARGETS) {
    const r = results[target];
    const paths = Object.keys(r.providerPaths ?? {}).join(", ") || "–";
    const failures = `${r.failures}${r.failureSample ? ` (${r.failureSample})` : ""}`;
    if (isLimit(target)) {
      row(target, paths, "–", "–", "–", "–", "–", failures);
      continue;
    }
    const colds = r.coldStarts.filter(Number.isFinite);
    const cold =
      colds.length === r.coldStarts.length
        ? `${f0(coldStart(target))} (${f0(Math.min(...colds))}–${f0(Math.max(...colds))})`
        : `no valid first answer: ${r.firstAnswerError}`;
    const imp = target in imports ? imports[target] : COPILOTKIT.includes(target) ? imports.copilotkit : NaN;
    row(
      target,
      paths,
      cold,
      f0(median(r.listening)),
      f0(imp),
      `${f0(r.idleRssMiB)} / ${f0(r.loadRssMiB)} / ${f0(r.afterRssMiB)}`,
      `${f1(r.idleHeapMiB)} → ${f1(r.afterHeapMiB)}`,
      failures,
    );
  }
  if (footprint && !footprint.error) {
    out();
    out("| install | node_modules (MiB) | packages | added on top of `openai` alone |");
    out("|---|---|---|---|");
    for (const [name, size] of [
      ["openai alone", footprint.openai],
      ["ours: core + openai adapter + node binding + openai", footprint.ours],
      [`@copilotkit/runtime ${COPILOTKIT_VERSION} + openai`, footprint.copilotkit],
    ]) {
      const onTop =
        name === "openai alone"
          ? "–"
          : `${f1(mib(size.bytes - footprint.openai.bytes))} MiB, ${size.packages - footprint.openai.packages} packages`;
      row(name, f1(mib(size.bytes)), size.packages, onTop);
    }
  } else if (footprint?.error) {
    out();
    out(`Install footprint not measured: ${footprint.error}`);
  }

  // Goals. Each compares medians over the rounds; "measured" adds the spread of the per-round ratios (round i of one
  // target against round i of the other: they ran back to back). A comparator with invalid answers, or none measured,
  // is never a pass.
  const goals = [];
  const c50 = "text@50";
  /** Why a target's figure at a point cannot be used, or undefined. */
  const unusable = (target, key) => {
    if (!has(target)) return `${target} not measured`;
    const phase = phaseOf(target, key);
    if (phase.failures > 0) return `${target}: ${phase.failures} invalid answers`;
    if (!Number.isFinite(med(target, key, "rps"))) return `${target}: no figure`;
    return undefined;
  };
  /** The per-round ratios of a field between two targets at a point, as "median (min–max)" of a figure. */
  const roundRatios = (a, b, key, field) => {
    const ra = phaseOf(a, key).rounds;
    const rb = phaseOf(b, key).rounds;
    const ratios = ra.map((round, i) => round[field] / rb[i]?.[field]).filter(Number.isFinite);
    return ratios.length > 1 ? ` (rounds ${f2(Math.min(...ratios))}–${f2(Math.max(...ratios))}×)` : "";
  };
  /**
   * A ratio goal: `subject`'s median `field` at `key` over the best usable comparator's (`pick`: the largest or the
   * smallest), passing when `test(ratio)`; `test` undefined: a figure, not a goal.
   */
  const ratioGoal = (name, subject, comparators, key, field, test, pick = Math.max, check = () => undefined) => {
    const subjectProblem = unusable(subject, key);
    const problem = (target) => unusable(target, key) ?? check(target);
    const usable = comparators.filter((target) => problem(target) === undefined);
    if (subjectProblem !== undefined && !has(subject)) return goals.push([name, subjectProblem, test ? "not measured" : undefined]);
    if (usable.length === 0) {
      const why = comparators.map(problem).join("; ") || "none measured";
      return goals.push([name, "–", test ? `**miss** (no valid comparator: ${why})` : `– (no valid comparator: ${why})`]);
    }
    const values = usable.map((target) => med(target, key, field));
    const best = usable[values.indexOf(pick(...values))];
    const ratio = med(subject, key, field) / med(best, key, field);
    const against = usable.length > 1 || comparators.length > 1 ? ` vs ${best}` : "";
    const measured = `${f2(ratio)}×${roundRatios(subject, best, key, field)}${against}`;
    if (subjectProblem !== undefined) return goals.push([name, measured, test ? `**miss** (${subjectProblem})` : undefined]);
    goals.push([name, measured, test ? (test(ratio) ? "pass" : "**miss**") : undefined]);
  };
  const ckTargets = COPILOTKIT.filter((target) => has(target));

  // the same provider API on both sides: only CopilotKit variants the fake saw on Chat Completions alone
  const onChatCompletions = (target) => {
    const paths = Object.keys(results[target].providerPaths ?? {});
    return paths.length > 0 && paths.every((path) => path.endsWith("/chat/completions"))
      ? undefined
      : `${target} is on ${paths.join(", ")}`;
  };
  ratioGoal(
    "throughput at concurrency 50 ≥ 10× CopilotKit's faster API (both on Chat Completions)",
    "ours",
    ckTargets,
    c50,
    "rps",
    (r) => r >= 10,
    Math.max,
    onChatCompletions,
  );
  for (const target of ckTargets.filter((t) => onChatCompletions(t) !== undefined))
    ratioGoal(`throughput at concurrency 50 vs ${target} (${onChatCompletions(target).split(" is on ")[1]})`, "ours", [target], c50, "rps");
  ratioGoal("throughput at concurrency 50 ≥ 0.5× the limit", "ours", ["limit"], c50, "rps", (r) => r >= 0.5);
  if (has("ours")) {
    const cpu = med("ours", c50, "cpu");
    const problem = unusable("ours", c50);
    const cpus = phaseOf("ours", c50).rounds.map((round) => round.cpu);
    goals.push([
      "server CPU per 50-token answer ≤ 1 ms (text at concurrency 50)",
      `${f2(cpu)} ms (rounds ${f2(Math.min(...cpus))}–${f2(Math.max(...cpus))})`,
      problem ? `**miss** (${problem})` : cpu <= 1 ? "pass" : "**miss**",
    ]);
    const p50 = med("ours", c50, "totalP50");
    const p99 = med("ours", c50, "totalP99");
    goals.push([
      "p99 ≤ 3× p50 at concurrency 50 (total time, text)",
      `${f1(p99)} / ${f1(p50)} ms = ${f2(p99 / p50)}×${tailSpread(phaseOf("ours", c50))}`,
      problem ? `**miss** (${problem})` : p99 <= 3 * p50 ? "pass" : "**miss**",
    ]);
  }
  if (has("ours", "limit")) {
    const added = med("ours", "text@1", "totalP50") - med("limit", "text@1", "totalP50");
    goals.push(["added latency at concurrency 1 ≤ 2 ms p50", `${f1(added)} ms`, added <= 2 ? "pass" : "**miss**"]);
  }
  // cold start and idle RSS against CopilotKit's best variant whose first answers were valid
  const validCk = ckTargets.filter((target) => results[target].coldStarts.every(Number.isFinite));
  const whyNoCk = ckTargets.length
    ? ckTargets.map((target) => `${target}: no valid first answer (${results[target].firstAnswerError})`).join("; ")
    : "CopilotKit not measured";
  const startupGoal = (name, value, limitRatio) => {
    if (!has("ours")) return goals.push([name, "ours not measured", "not measured"]);
    if (validCk.length === 0) return goals.push([name, "–", `**miss** (no valid comparator: ${whyNoCk})`]);
    const values = validCk.map(value);
    const best = validCk[values.indexOf(Math.min(...values))];
    const ratio = value("ours") / value(best);
    const oursValid = results.ours.coldStarts.every(Number.isFinite);
    goals.push([
      name,
      `${f2(ratio)}× (${f0(value("ours"))} vs ${f0(value(best))}, ${best})`,
      !oursValid ? "**miss** (ours: no valid first answer)" : ratio <= limitRatio ? "pass" : "**miss**",
    ]);
  };
  startupGoal("cold start (spawn → first valid answer, median of 3) ≤ 1/5 of CopilotKit's", coldStart, 1 / 5);
  startupGoal("idle RSS (after the first answer) ≤ 1/3 of CopilotKit's", (target) => results[target].idleRssMiB, 1 / 3);
  if (footprint && !footprint.error) {
    const oursAdded = footprint.ours.bytes - footprint.openai.bytes;
    const ckAdded = footprint.copilotkit.bytes - footprint.openai.bytes;
    goals.push([
      `node_modules added on top of openai ≤ 1/20 of copilotkit's`,
      `${f2(oursAdded / ckAdded)}×`,
      oursAdded <= ckAdded / 20 ? "pass" : "**miss**",
    ]);
  }
  ratioGoal(
    "middleware (cors + bearerAuth + rateLimit): throughput at concurrency 50 ≥ 0.9× ours without",
    "ours-middleware",
    ["ours"],
    c50,
    "rps",
    (r) => r >= 0.9,
  );
  ratioGoal("middleware: server CPU per answer at concurrency 50 vs ours without", "ours-middleware", ["ours"], c50, "cpu");
  ratioGoal(
    "OpenAIAdapter's own client vs the app's (`new OpenAI()`): throughput at concurrency 50",
    "ours",
    ["ours-openai-client"],
    c50,
    "rps",
  );
  ratioGoal("OpenAIAdapter's own client vs the app's: server CPU per answer at concurrency 50", "ours", ["ours-openai-client"], c50, "cpu");
  ratioGoal(
    "AnthropicAdapter: throughput at concurrency 50 ≥ 0.5× limit-anthropic",
    "ours-anthropic",
    ["limit-anthropic"],
    c50,
    "rps",
    (r) => r >= 0.5,
  );
  ratioGoal(
    "Gemini (GoogleGenAIAdapter): throughput at concurrency 50 ≥ 0.5× limit-gemini",
    "ours-gemini",
    ["limit-gemini"],
    c50,
    "rps",
    (r) => r >= 0.5,
  );
  if (wanted.includes("ours-redis") && !REDIS) {
    goals.push([
      `throughput at concurrency 50 with the Redis store ≥ 0.75× the memory store's`,
      "not measured: no redis-server",
      undefined,
    ]);
  } else
    ratioGoal(
      "throughput at concurrency 50 with the Redis store ≥ 0.75× the memory store's",
      "ours-redis",
      ["ours"],
      c50,
      "rps",
      (r) => r >= 0.75,
    );
  if (BASELINE_DIR) {
    ratioGoal("throughput at concurrency 50 vs the baseline (within noise)", "ours", ["baseline"], c50, "rps", (r) => r >= 0.9);
    ratioGoal("server CPU per answer at concurrency 50 vs the baseline", "ours", ["baseline"], c50, "cpu", (r) => r <= 1.1);
  }
  if (OTEL) {
    ratioGoal(
      "telemetry option without an SDK: throughput at concurrency 50 vs none (within noise)",
      "ours-otel-off",
      ["ours"],
      c50,
      "rps",
      (r) => r >= 0.9,
    );
    ratioGoal("telemetry on (the SDK, batched spans): throughput at concurrency 50 vs none", "ours-otel", ["ours"], c50, "rps");
    ratioGoal("telemetry on: server CPU per answer at concurrency 50 vs none", "ours-otel", ["ours"], c50, "cpu");
  }
  // figures, no pass/miss: the AI SDK 6 alone as a peer, and our AI SDK bridge next to the native adapter
  ratioGoal("ours vs the AI SDK 6 alone (ai-sdk-6): throughput at concurrency 50", "ours", ["ai-sdk-6"], c50, "rps");
  ratioGoal("ours vs the AI SDK 6 alone: throughput, tool scenario at concurrency 50", "ours", ["ai-sdk-6"], "tool@50", "rps");
  ratioGoal("ours vs the AI SDK 6 alone: server CPU per answer at concurrency 50", "ours", ["ai-sdk-6"], c50, "cpu");
  ratioGoal("AI SDK adapter: throughput at concurrency 50 vs the native OpenAIAdapter", "ours-ai-sdk", ["ours"], c50, "rps");
  ratioGoal("AI SDK adapter: server CPU per answer at concurrency 50 vs the native OpenAIAdapter", "ours-ai-sdk", ["ours"], c50, "cpu");
  out();
  out("| goal | measured: ratio of medians (spread of per-round ratios) | pass |");
  out("|---|---|---|");
  for (const [goal, value, pass] of goals) out(`| ${goal} | ${value} | ${pass ?? "–"} |`);
  out();
  const leak = (target) =>
    has(target) ? `${target}: ${signed(results[target].afterHeapMiB - results[target].idleHeapMiB)} MiB` : undefined;
  out(
    [
      "Ratios to CopilotKit use the faster of its APIs with valid answers (cold start and RSS: the smallest).",
      `Leak check (heap after GC, after all runs vs idle): ${[leak("ours"), leak("ours-redis")].filter(Boolean).join(", ")}`,
      "(the memory run store keeps up to 1000 threads by design; ours-redis keeps them in Redis).",
    ].join(" "),
  );

  const table = lines.join("\n");
  console.log(table);
  const cpuModel = os.cpus()[0]?.model ?? "unknown CPU";
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  const flags = [
    ...(QUICK ? ["--quick"] : []),
    ...(SKIP_FOOTPRINT ? ["--no-footprint"] : []),
    ...(OTEL ? ["--otel"] : []),
    ...(ONLY ? ["--targets", ONLY.join(",")] : []),
    ...(BASELINE_DIR ? ["--baseline", `${BASELINE_DIR} (at commit ${baselineCommit()})`] : []),
  ];
  const command = `pnpm bench${flags.length > 0 ? ` -- ${flags.join(" ")}` : ""}`;
  const machine = `${os.cpus().length} × ${cpuModel}, ${memory}, Node ${process.version}, ${os.platform()} ${os.release()}`;
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT }).toString().trim();
  } catch {
    // not a git checkout
  }
  const describe = {
    limit: "the bench's own HTTP client asking the fake OpenAI server directly (Chat Completions), no SDK",
    ours:
      "`@copilot-runtime/node` + `OpenAIAdapter` (the `openai` SDK, Chat Completions, the client the adapter makes: " +
      "`{ apiKey, baseURL }`, on its keep-alive `node:http` pool) + one server action",
    "ours-openai-client": "ours with the app's own client (`openai: new OpenAI({ apiKey, baseURL })`, the global `fetch`)",
    "ours-middleware":
      "ours with `cors()` + `bearerAuth()` + `rateLimit()` (`@copilot-runtime/middleware`); " +
      "the load generator sends the token and an `Origin`, and checks the CORS and rate-limit headers",
    "ours-ai-sdk": 'ours with `AISDKAdapter` over `@ai-sdk/openai` `createOpenAI(...).chat("gpt-4o")` (Chat Completions, AI SDK 6)',
    "ours-redis": "ours with `RedisRunStore` on the bench's own redis-server (its CPU column adds the redis-server's CPU per request)",
    baseline: "`bench/src/server-ours.mjs` of another checkout (`--baseline`)",
    "ours-otel-off": "ours with `telemetry: openTelemetry()` and no OpenTelemetry SDK registered",
    "ours-otel": "ours with `telemetry: openTelemetry()` and the SDK registered (spans batched to an exporter that drops them)",
    "ai-sdk-6":
      'the Vercel AI SDK 6 alone on `node:http`: `streamText` over `createOpenAI(...).chat("gpt-4o")` (Chat Completions) with the ' +
      "same tool and `stopWhen: stepCountIs(3)`, answered as its UI message stream (`pipeUIMessageStreamToResponse`)",
    "limit-anthropic": "the bench's own HTTP client asking the fake Anthropic server directly (Messages API), no SDK",
    "ours-anthropic":
      "`@copilot-runtime/node` + `AnthropicAdapter` (`@anthropic-ai/sdk`, the client the adapter makes: `{ apiKey, baseURL }`) + " +
      "one server action, on the fake Anthropic server",
    "limit-gemini": "the bench's own HTTP client asking the fake Gemini server directly (`streamGenerateContent`), no SDK",
    "ours-gemini":
      "`@copilot-runtime/node` + `GoogleGenAIAdapter` (`@google/genai`, the client the adapter makes: `{ apiKey, baseURL }`)" +
      " + one server action, on the fake Gemini server",
    "copilotkit-v1":
      `\`@copilotkit/runtime\` ${COPILOTKIT_VERSION}, \`CopilotRuntime\` + \`OpenAIAdapter\` + \`copilotRuntimeNodeHttpEndpoint\` ` +
      "(telemetry disabled); 1.75 serves the adapter as a `BuiltInAgent` over `createOpenAI(...)(model)`, i.e. the Responses API " +
      "(the adapter's own Chat Completions code is not used, and no option changes that)",
    "copilotkit-v2":
      `\`@copilotkit/runtime/v2\` ${COPILOTKIT_VERSION}, \`BuiltInAgent\` (maxSteps 3) + \`createCopilotNodeListener\`, given the model ` +
      '`createOpenAI({ baseURL, apiKey }).chat("gpt-4o")` from its own `@ai-sdk/openai` (Chat Completions, like ours)',
    "copilotkit-v2-responses": 'copilotkit-v2 with the model string `"openai/gpt-4o"` (CopilotKit\'s default: the Responses API)',
  };
  const md = [
    "# Benchmark results",
    "",
    `Measured with \`${command}\` at commit ${commit} on ${new Date().toISOString().slice(0, 10)}: ${machine}.`,
    "",
    `CPUs: ${PIN.note}.`,
    "",
    `Every process the bench starts (servers and fakes) runs \`node ${CHILD_FLAGS.join(" ")}\`: without V8's memory ` +
      "reducer, a server left idle while the other targets run does not shrink its heap and pay for growing it back " +
      "in its next round.",
    "",
    "Targets, each server in its own process, all against fake providers (`@copilot-runtime/testing` on 127.0.0.1, " +
      "50-token answers, no artificial delay):",
    "",
    ...TARGETS.map((target) => `- **${target}**: ${describe[target]};`),
    ...(wanted.includes("ours-redis") && !REDIS ? [`- **ours-redis**: not measured, ${REDIS_SKIPPED};`] : []),
    "",
    [
      "Scenarios: **text** (a 50-token answer) and **tool** (the LLM calls the server action `sayHello`, then answers in 50 tokens).",
      "Every answer is validated (event order, complete text, the action's result); an invalid answer counts as a failure,",
      `not as a fast answer. Each target first answers ${WARM_REQUESTS} unmeasured requests per scenario.`,
      `Every point (scenario × concurrency) runs ${Object.values(ROUNDS_AT).join("/")} rounds per target of at least`,
      Object.values(REQUESTS).join("/"),
      `requests (concurrency ${CONCURRENCY.join("/")})${ROUND_MS > 0 ? ` and at least ${ROUND_MS / 1000} s` : ""},`,
      "each round in another target order and after as many unmeasured",
      "requests as its concurrency on the round's connections (so that every round measures warm connections);",
      "req/s shows the median round and the slowest–fastest; latencies and CPU are the median over the rounds of each round's figure.",
      "TTFE = time to the first event.",
    ].join(" "),
    "",
    table,
    "",
  ].join("\n");
  if (!WRITE) return;
  writeFileSync(new URL("../RESULTS.md", import.meta.url), md);
  log("\nwrote bench/RESULTS.md");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
