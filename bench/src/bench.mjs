// `pnpm bench`: Copilot Runtime side by side with the published CopilotKit
// runtime (v1 and v2 APIs) and with the limit (the client talking to the fake
// OpenAI server directly), in one run, alternating targets. Copilot Runtime runs
// twice: with its default in-memory run store, and with RedisRunStore on a
// redis-server of the bench's own (skipped when redis-server is not installed).
import { execFileSync, fork } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { measureFootprint } from "./footprint.mjs";
import { cpuMs, percentile, pool, rssMiB, streamRequest } from "./measure.mjs";
import { REDIS_SERVER, startRedisServer } from "./redis-server.mjs";
import { ANSWER, TOOL_PROMPT } from "./scenario.mjs";
import { validateAgui, validateOpenAI } from "./validate.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const QUICK = process.argv.includes("--quick");
const SKIP_FOOTPRINT = process.argv.includes("--no-footprint");
const CONCURRENCY = [1, 10, 50, 200];
const REQUESTS = QUICK ? { 1: 20, 10: 60, 50: 100, 200: 200 } : { 1: 100, 10: 300, 50: 600, 200: 1000 };
const SCENARIOS = ["text", "tool"];
// `--baseline <dir>`: also serve a built checkout of this repository (e.g. the commit before a change)
// as the target "baseline", to measure a change against it in the same run.
const BASELINE_DIR = process.argv.includes("--baseline") ? process.argv[process.argv.indexOf("--baseline") + 1] : undefined;
// `--otel`: also serve Copilot Runtime with `telemetry: openTelemetry()`, without an SDK (ours-otel-off) and with one
// (ours-otel), to measure what telemetry costs in the same run.
const OTEL = process.argv.includes("--otel");
const REDIS = await startRedisServer();
const REDIS_SKIPPED = `redis-server not found at ${REDIS_SERVER} (apt-get install -y redis-server): the target ours-redis is skipped`;
const TARGETS = [
  "limit",
  "ours",
  "ours-ai-sdk",
  ...(REDIS ? ["ours-redis"] : []),
  ...(BASELINE_DIR ? ["baseline"] : []),
  ...(OTEL ? ["ours-otel-off", "ours-otel"] : []),
  "copilotkit-v1",
  "copilotkit-v2",
];
/** The server script of a target (the baseline's is its own checkout's). */
const serverFile = (target) =>
  target === "baseline"
    ? join(resolve(BASELINE_DIR), "bench/src/server-ours.mjs")
    : fileURLToPath(new URL(`./server-${target.startsWith("ours-otel") ? "ours-otel" : target}.mjs`, import.meta.url));
/** A target's server arguments: the fake's base URL, the Redis URL for ours-redis, the telemetry mode for ours-otel*. */
const serverArgs = (target, baseURL) =>
  target === "ours-redis"
    ? [baseURL, REDIS.url]
    : target.startsWith("ours-otel")
      ? [baseURL, target === "ours-otel" ? "on" : "off"]
      : [baseURL];
const COPILOTKIT_VERSION = "1.75.0";
const log = (...args) => console.error(...args);

function start(file, args = []) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = fork(file, args, {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      execArgv: ["--expose-gc"],
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
    child.once("message", (message) => resolve({ child, pid: child.pid, coldStartMs: performance.now() - started, ...message }));
  });
}

function importTime(specifiers) {
  const code = [
    "const t=performance.now();",
    `await Promise.all(${JSON.stringify(specifiers)}.map((s)=>import(s)));`,
    "console.log(performance.now()-t)",
  ].join("");
  const runs = Array.from({ length: 5 }, () =>
    Number(
      execFileSync(process.execPath, ["--input-type=module", "-e", code], {
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

async function main() {
  log(`Copilot Runtime benchmark${QUICK ? " (quick)" : ""}: targets ${TARGETS.join(", ")}`);
  if (!REDIS) log(`  ${REDIS_SKIPPED}`);
  const fake = await start(fileURLToPath(new URL("./server-fake.mjs", import.meta.url)));
  const fakePort = Number(new URL(fake.url).port);
  const servers = { limit: { pid: fake.pid, port: fakePort } };
  for (const target of TARGETS.slice(1)) servers[target] = await start(serverFile(target), serverArgs(target, fake.baseURL));
  await new Promise((resolve) => setTimeout(resolve, 1000));

  /** Asks a server to collect its garbage; resolves with its heap in use afterwards (MiB). */
  const heapAfterGc = (target) =>
    new Promise((resolve) => {
      const child = servers[target].child;
      const onMessage = (message) => {
        if (message?.heapUsedMiB === undefined) return;
        child.off("message", onMessage);
        resolve(message.heapUsedMiB);
      };
      child.on("message", onMessage);
      child.send("gc");
    });

  const results = {};
  for (const target of TARGETS) {
    results[target] = {
      coldStartMs: servers[target].coldStartMs,
      idleRssMiB: target === "limit" ? NaN : rssMiB(servers[target].pid),
      loadRssMiB: 0,
      phases: {},
      failures: 0,
      failureSample: undefined,
    };
  }

  // One request to a target, validated.
  async function request(target, scenario, agent) {
    const prompt = scenario === "tool" ? TOOL_PROMPT : "hello";
    if (target === "limit") {
      const chat = (messages) => ({
        model: "gpt-4o",
        stream: true,
        stream_options: { include_usage: true },
        messages,
        ...(scenario === "tool"
          ? {
              tools: [
                {
                  type: "function",
                  function: { name: "sayHello", parameters: { type: "object", properties: { arg: { type: "string" } } } },
                },
              ],
            }
          : {}),
      });
      const first = await streamRequest(agent, fakePort, "/v1/chat/completions", chat([{ role: "user", content: prompt }]));
      validateOpenAI(first.text, scenario === "tool");
      if (scenario !== "tool") return first;
      const second = await streamRequest(
        agent,
        fakePort,
        "/v1/chat/completions",
        chat([
          { role: "user", content: prompt },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c", type: "function", function: { name: "sayHello", arguments: '{"arg":"Ada"}' } }],
          },
          { role: "tool", tool_call_id: "c", content: "Hello, Ada!" },
        ]),
      );
      validateOpenAI(second.text, false);
      return { ttfe: first.ttfe, total: first.total + second.total };
    }
    const server = servers[target];
    const input = runInput(prompt);
    const body = server.envelope ? { method: "agent/run", params: { agentId: "default" }, body: input } : input;
    const response = await streamRequest(agent, server.port, server.path, body);
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.text.slice(0, 200)}`);
    validateAgui(response.text, scenario);
    return response;
  }

  for (const target of TARGETS.slice(1)) results[target].idleHeapMiB = await heapAfterGc(target);

  // Warm-up (JIT, connection pools), not measured.
  for (const target of TARGETS) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    for (const scenario of SCENARIOS) await pool(QUICK ? 30 : 100, 10, () => request(target, scenario, agent).catch(() => undefined));
    agent.destroy();
  }

  for (const scenario of SCENARIOS) {
    for (const concurrency of CONCURRENCY) {
      const total = REQUESTS[concurrency];
      for (const target of TARGETS)
        results[target].phases[`${scenario}@${concurrency}`] = {
          ttfe: [],
          total: [],
          wallMs: 0,
          cpuMs: 0,
          redisCpuMs: 0,
          count: 0,
          failures: 0,
        };
      // two rounds, rotating the order, so drift hits every target alike
      for (let round = 0; round < 2; round++) {
        const order = TARGETS.map((_, i) => TARGETS[(i + round + concurrency) % TARGETS.length]);
        for (const target of order) {
          const phase = results[target].phases[`${scenario}@${concurrency}`];
          const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
          const pid = servers[target].pid;
          const cpuBefore = cpuMs(pid);
          const redisCpuBefore = target === "ours-redis" ? cpuMs(REDIS.pid) : 0;
          const sampler = setInterval(() => {
            if (target !== "limit") results[target].loadRssMiB = Math.max(results[target].loadRssMiB, rssMiB(pid));
          }, 100);
          const started = performance.now();
          const count = Math.ceil(total / 2);
          await pool(count, concurrency, async () => {
            try {
              const response = await request(target, scenario, agent);
              phase.ttfe.push(response.ttfe);
              phase.total.push(response.total);
            } catch (error) {
              phase.failures++;
              results[target].failures++;
              results[target].failureSample ??= `${scenario}: ${error instanceof Error ? error.message : String(error)}`;
            }
          });
          phase.wallMs += performance.now() - started;
          phase.cpuMs += cpuMs(pid) - cpuBefore;
          if (target === "ours-redis") phase.redisCpuMs += cpuMs(REDIS.pid) - redisCpuBefore;
          phase.count += count;
          clearInterval(sampler);
          agent.destroy();
        }
      }
      const phaseRps = (t) => {
        const phase = results[t].phases[`${scenario}@${concurrency}`];
        return Math.round(phase.count / (phase.wallMs / 1000));
      };
      log(`  ${scenario} @ ${concurrency}: ${TARGETS.map((t) => `${t} ${phaseRps(t)} req/s`).join(", ")}`);
    }
  }

  // after load: every server collects its garbage, then memory is read (a leak stays)
  for (const target of TARGETS.slice(1)) results[target].afterHeapMiB = await heapAfterGc(target);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  for (const target of TARGETS.slice(1)) results[target].afterRssMiB = rssMiB(servers[target].pid);

  // cold start: the median of three more spawns per server
  for (const target of TARGETS.slice(1)) {
    const spawns = [results[target].coldStartMs];
    for (let i = 0; i < 2; i++) {
      const extra = await start(serverFile(target), serverArgs(target, fake.baseURL));
      spawns.push(extra.coldStartMs);
      extra.child.kill();
    }
    results[target].coldStartMs = percentile(spawns, 50);
  }

  log("  import times...");
  const imports = {
    ours: importTime(["@copilot-runtime/core", "@copilot-runtime/openai", "@copilot-runtime/node"]),
    "ours-redis": REDIS
      ? importTime(["@copilot-runtime/core", "@copilot-runtime/openai", "@copilot-runtime/node", "@copilot-runtime/redis"])
      : NaN,
    "ours-ai-sdk": importTime(["@copilot-runtime/core", "@copilot-runtime/ai-sdk", "@copilot-runtime/node", "@ai-sdk/openai"]),
    copilotkit: importTime(["@copilotkit/runtime"]),
  };

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

  for (const server of Object.values(servers)) server.child?.kill();
  fake.child.kill();
  REDIS?.close();
  report(results, imports, footprint);
}

const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : "–");
const signed = (n) => `${n >= 0 ? "+" : ""}${f1(n)}`;
const f0 = (n) => (Number.isFinite(n) ? Math.round(n).toString() : "–");
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : "–");
const mib = (bytes) => bytes / (1024 * 1024);

function report(results, imports, footprint) {
  const rps = (target, key) => {
    const phase = results[target].phases[key];
    return phase.count / (phase.wallMs / 1000);
  };
  const cpu = (target, key) => results[target].phases[key].cpuMs / results[target].phases[key].count;
  const best = (key, fn) =>
    Math.max(
      ...["copilotkit-v1", "copilotkit-v2"].map((t) => (results[t].phases[key].failures === 0 ? fn(t, key) : NaN)).filter(Number.isFinite),
    );

  const lines = [];
  const out = (line = "") => lines.push(line);
  const row = (...cells) => out(`| ${cells.join(" | ")} |`);
  out("| scenario @ concurrency | target | TTFE p50 / p99 (ms) | total p50 / p99 (ms) | req/s | server CPU ms/req | failures |");
  out("|---|---|---|---|---|---|---|");
  for (const scenario of SCENARIOS) {
    for (const c of CONCURRENCY) {
      const key = `${scenario}@${c}`;
      for (const target of TARGETS) {
        const phase = results[target].phases[key];
        row(
          key,
          target,
          `${f1(percentile(phase.ttfe, 50))} / ${f1(percentile(phase.ttfe, 99))}`,
          `${f1(percentile(phase.total, 50))} / ${f1(percentile(phase.total, 99))}`,
          f0(rps(target, key)),
          `${target === "limit" ? "(fake) " : ""}${f1(cpu(target, key))}${
            target === "ours-redis" ? ` + redis ${f1(phase.redisCpuMs / phase.count)}` : ""
          }`,
          phase.failures,
        );
      }
    }
  }
  out();
  row(
    "target",
    "cold start (spawn → listening, ms)",
    "import (ms)",
    "RSS idle / under load / after (MiB)",
    "heap after GC, idle → after load (MiB)",
    "invalid answers",
  );
  out("|---|---|---|---|---|---|");
  for (const target of TARGETS.slice(1)) {
    const r = results[target];
    const imp = target in imports ? imports[target] : target === "baseline" ? NaN : imports.copilotkit;
    row(
      target,
      f0(r.coldStartMs),
      f0(imp),
      `${f0(r.idleRssMiB)} / ${f0(r.loadRssMiB)} / ${f0(r.afterRssMiB)}`,
      `${f1(r.idleHeapMiB)} → ${f1(r.afterHeapMiB)}`,
      `${r.failures}${r.failureSample ? ` (${r.failureSample})` : ""}`,
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

  // Goals
  const goals = [];
  const c50 = "text@50";
  const oursRps = rps("ours", c50);
  const ckRps = best(c50, rps);
  goals.push([`throughput at concurrency 50 ≥ 10× copilotkit`, `${ratio(oursRps, ckRps)}`, oursRps >= 10 * ckRps]);
  goals.push([`throughput at concurrency 50 ≥ 0.5× the limit`, `${ratio(oursRps, rps("limit", c50))}`, oursRps >= 0.5 * rps("limit", c50)]);
  const added = percentile(results.ours.phases["text@1"].total, 50) - percentile(results.limit.phases["text@1"].total, 50);
  goals.push([`added latency at concurrency 1 ≤ 2 ms p50`, `${f1(added)} ms`, added <= 2]);
  const ckCold = Math.min(results["copilotkit-v1"].coldStartMs, results["copilotkit-v2"].coldStartMs);
  goals.push([`cold start ≤ 1/5 of copilotkit`, ratio(results.ours.coldStartMs, ckCold), results.ours.coldStartMs <= ckCold / 5]);
  const ckIdle = Math.min(results["copilotkit-v1"].idleRssMiB, results["copilotkit-v2"].idleRssMiB);
  goals.push([`idle RSS ≤ 1/2 of copilotkit`, ratio(results.ours.idleRssMiB, ckIdle), results.ours.idleRssMiB <= ckIdle / 2]);
  if (footprint && !footprint.error) {
    const oursAdded = footprint.ours.bytes - footprint.openai.bytes;
    const ckAdded = footprint.copilotkit.bytes - footprint.openai.bytes;
    goals.push([`node_modules added on top of openai ≤ 1/20 of copilotkit's`, ratio(oursAdded, ckAdded), oursAdded <= ckAdded / 20]);
  }
  if (REDIS) {
    const redisRps = rps("ours-redis", c50);
    goals.push([
      `throughput at concurrency 50 with the Redis store ≥ 0.75× the memory store's`,
      ratio(redisRps, oursRps),
      redisRps >= 0.75 * oursRps,
    ]);
  } else {
    goals.push([
      `throughput at concurrency 50 with the Redis store ≥ 0.75× the memory store's`,
      "not measured: no redis-server",
      undefined,
    ]);
  }
  if (BASELINE_DIR) {
    const cpu50 = (target) => cpu(target, c50);
    goals.push([
      `throughput at concurrency 50 vs the baseline (within noise)`,
      ratio(oursRps, rps("baseline", c50)),
      oursRps >= 0.9 * rps("baseline", c50),
    ]);
    goals.push([
      `server CPU per answer at concurrency 50 vs the baseline`,
      ratio(cpu50("ours"), cpu50("baseline")),
      cpu50("ours") <= 1.1 * cpu50("baseline"),
    ]);
  }
  if (OTEL) {
    const cpu50 = (target) => cpu(target, c50);
    goals.push([
      `telemetry option without an SDK: throughput at concurrency 50 vs none (within noise)`,
      ratio(rps("ours-otel-off", c50), oursRps),
      rps("ours-otel-off", c50) >= 0.9 * oursRps,
    ]);
    goals.push([
      `telemetry on (the SDK, batched spans): throughput at concurrency 50 vs none`,
      ratio(rps("ours-otel", c50), oursRps),
      undefined,
    ]);
    goals.push([`telemetry on: server CPU per answer at concurrency 50 vs none`, ratio(cpu50("ours-otel"), cpu50("ours")), undefined]);
  }
  // the AI SDK bridge next to the native adapter: what going through an AI SDK provider costs (no pass/miss: a figure)
  const aiSdkRps = rps("ours-ai-sdk", c50);
  goals.push([`AI SDK adapter: throughput at concurrency 50 vs the native OpenAIAdapter`, ratio(aiSdkRps, oursRps), undefined]);
  goals.push([
    `AI SDK adapter: server CPU per answer at concurrency 50 vs the native OpenAIAdapter`,
    ratio(cpu("ours-ai-sdk", c50), cpu("ours", c50)),
    undefined,
  ]);
  const leak = results.ours.afterHeapMiB - results.ours.idleHeapMiB;
  out();
  out("| goal | measured | pass |");
  out("|---|---|---|");
  for (const [goal, value, pass] of goals) out(`| ${goal} | ${value} | ${pass === undefined ? "–" : pass ? "pass" : "**miss**"} |`);
  out();
  out(
    [
      "Ratios to copilotkit use the faster of its two APIs with valid answers.",
      `Leak check, ours: heap after GC ${signed(leak)} MiB after all runs`,
      "(the run store keeps up to 1000 threads by design).",
      ...(REDIS
        ? [
            `ours-redis: ${signed(results["ours-redis"].afterHeapMiB - results["ours-redis"].idleHeapMiB)} MiB`,
            "(its threads are kept in Redis).",
          ]
        : []),
    ].join(" "),
  );

  const table = lines.join("\n");
  console.log(table);
  const cpuModel = os.cpus()[0]?.model ?? "unknown CPU";
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  const flags = [...(QUICK ? ["--quick"] : []), ...(SKIP_FOOTPRINT ? ["--no-footprint"] : []), ...(OTEL ? ["--otel"] : [])];
  const command = `pnpm bench${flags.length > 0 ? ` -- ${flags.join(" ")}` : ""}`;
  const machine = `${os.cpus().length} × ${cpuModel}, ${memory}, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const md = [
    "# Benchmark results",
    "",
    `Measured with \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.`,
    "Targets, all against the same fake OpenAI server (`@copilot-runtime/testing`, 50-token answers, no artificial delay), " +
      "each server in its own process:",
    "- **limit**: the client talking to the fake server directly (for the tool scenario: the two provider calls one after the other);",
    "- **ours**: `@copilot-runtime/node` + `OpenAIAdapter` + one server action;",
    "- **ours-ai-sdk** (the AI SDK adapter): the same with `AISDKAdapter` (`@copilot-runtime/ai-sdk`) over `@ai-sdk/openai`'s " +
      'Chat Completions model (`createOpenAI(...).chat("gpt-4o")`, AI SDK 6) instead of the native `OpenAIAdapter`;',
    REDIS
      ? "- **ours-redis**: the same with `RedisRunStore` (`@copilot-runtime/redis`) on a local redis-server of the bench's own " +
        "(every run claims its thread, writes its frames once per tick and saves its conversation there; " +
        "its CPU column adds the redis-server's CPU per request);"
      : `- **ours-redis**: not measured, ${REDIS_SKIPPED};`,
    ...(OTEL
      ? [
          "- **ours-otel-off**: ours with `telemetry: openTelemetry()` (`@copilot-runtime/otel`) and no OpenTelemetry SDK registered;",
          "- **ours-otel**: the same with the SDK registered: spans batched (`BatchSpanProcessor`) to an exporter that drops them, " +
            "metrics aggregated by a reader;",
        ]
      : []),
    `- **copilotkit-v1**: \`@copilotkit/runtime\` ${COPILOTKIT_VERSION}, ` +
      "`CopilotRuntime` + `OpenAIAdapter` + `copilotRuntimeNodeHttpEndpoint` (telemetry disabled);",
    `- **copilotkit-v2**: \`@copilotkit/runtime/v2\` ${COPILOTKIT_VERSION}, \`BuiltInAgent\` (maxSteps 3) + \`createCopilotNodeListener\`.`,
    "",
    [
      "Scenarios: **text** (a 50-token answer) and **tool** (the LLM calls the server action `sayHello`, then answers in 50 tokens).",
      "Every answer is validated (event order, complete text, the action's result);",
      "an invalid answer counts as a failure, not as a fast answer.",
      "Targets alternate in two rounds per phase. TTFE = time to the first event.",
    ].join(" "),
    "",
    table,
    "",
  ].join("\n");
  writeFileSync(new URL("../RESULTS.md", import.meta.url), md);
  log("\nwrote bench/RESULTS.md");
  void ANSWER;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
