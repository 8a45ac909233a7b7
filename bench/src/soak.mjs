// `pnpm soak`: concurrency 200 for 2 minutes (or --seconds N) against the fake
// provider: text, server-action and frontend-tool runs, 10% of clients aborting.
// Every completed stream is validated; a reset, a non-200 status, a stream cut
// short or no answer in time is an error (an abort is only a client that left on
// its own, after a 200 and the first words); the fake must see the provider request
// of every aborted run closed early, and no other closed early; the server's heap
// after GC may grow by 4 MiB at most from the end of the warm-up to the end (both modes),
// nor the trend of its RSS under load by more than 10% (full mode). Writes bench/SOAK.md.
import { writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseSSE, verifyEvents } from "@copilot-runtime/testing";
import { ask, start as startChild } from "./children.mjs";
import { percentile, rssMiB } from "./measure.mjs";
import { ABORT_PROMPT, ANSWER, FRONTEND_PROMPT, TOOL_PROMPT } from "./scenario.mjs";

const argument = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const SECONDS = argument("--seconds", 120);
const CONCURRENCY = argument("--concurrency", 200);
const CHECK = process.argv.includes("--check");
const WRITE = !process.argv.includes("--no-write");
/** A run that has no complete answer after this long is an error (a hang), not a slow run. */
const RUN_TIMEOUT_MS = 30_000;
/** How long the provider requests of the last aborted runs may take to be seen closed, after the load. */
const SETTLE_MS = 10_000;
/** Heap after GC at the end may exceed the one after the warm-up by this much (MiB), and no more. */
const HEAP_SLACK_MIB = 4;
/**
 * The warm-up lasts 10% of the time (2 s at least) and this many runs, more than the memory run store keeps
 * (1,000 threads), or half the time on a machine too slow for them.
 */
const WARMUP_RUNS = 1_500;
/** RSS under load is back to its level this long after the quiet point (it fills up from cold in about as long). */
const RSS_REFILL_MS = 5_000;

/** Starts one of the bench's scripts (a path relative to this folder). */
const start = (file, args = []) => startChild(fileURLToPath(new URL(file, import.meta.url)), args);

/** The server's heap in use after a full collection (MiB): two collections, so what the first freed is gone. */
async function heapAfterGc(server) {
  await ask(server.child, "gc", "heapUsedMiB");
  return ask(server.child, "gc", "heapUsedMiB");
}

const confirmTool = {
  name: "confirm",
  description: "Ask the user",
  parameters: { type: "object", properties: { question: { type: "string" } } },
};

function pickKind(n) {
  const r = n % 20;
  if (r < 2) return "abort"; // 10%
  if (r < 5) return "frontend"; // 15%
  if (r < 11) return "action"; // 30%
  return "text"; // 45%
}

function validate(kind, text) {
  const events = parseSSE(text);
  verifyEvents(events);
  if (events.at(-1)?.type !== "RUN_FINISHED") throw new Error(`ended with ${events.at(-1)?.type}`);
  const answer = events
    .filter((e) => e.type === "TEXT_MESSAGE_CONTENT")
    .map((e) => e.delta)
    .join("")
    .trim();
  if (kind === "frontend") {
    if (!events.some((e) => e.type === "TOOL_CALL_START" && e.toolCallName === "confirm")) throw new Error("no frontend tool call");
    if (events.some((e) => e.type === "TOOL_CALL_RESULT")) throw new Error("a frontend tool got a server result");
    return;
  }
  if (kind === "action" && !events.some((e) => e.type === "TOOL_CALL_RESULT" && String(e.content).includes("Hello, Ada!")))
    throw new Error("no action result");
  if (answer !== ANSWER) throw new Error("incomplete answer");
}

const PROMPTS = { action: TOOL_PROMPT, frontend: FRONTEND_PROMPT, abort: ABORT_PROMPT, text: "hello" };

/**
 * One run. Resolves with `{ kind, ms }` for a valid answer, `{ kind, aborted: true }` when this client left on its
 * own (kind "abort": after a 200 and the first words of the answer), else `{ kind, error }`: a connection reset or
 * refused, a non-200 status, a stream that ends cut short or invalid, an abort run whose stream ended before it
 * could leave, or no complete answer within RUN_TIMEOUT_MS.
 */
function run(agent, port, path, kind) {
  const body = JSON.stringify({
    threadId: `soak-${crypto.randomUUID()}`,
    runId: crypto.randomUUID(),
    messages: [{ id: "u", role: "user", content: PROMPTS[kind] }],
    tools: kind === "frontend" ? [confirmTool] : [],
  });
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    let left = false; // this client left on its own
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ kind, ...result });
    };
    const fail = (error) => settle({ error });
    const req = http.request(
      {
        agent,
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        let text = "";
        const ok = res.statusCode === 200 && String(res.headers["content-type"]).startsWith("text/event-stream");
        res.on("data", (chunk) => {
          chunks.push(chunk);
          if (kind !== "abort" || !ok || left) return;
          text += chunk.toString("utf8");
          if (!text.includes('"type":"TEXT_MESSAGE_CONTENT"')) return;
          left = true; // the client vanishes in the middle of the answer
          settle({ aborted: true });
          req.destroy();
        });
        res.on("end", () => {
          const all = Buffer.concat(chunks).toString("utf8");
          if (!ok) return fail(`HTTP ${res.statusCode} ${res.headers["content-type"]}: ${all.slice(0, 120)}`);
          if (kind === "abort") return fail(`the stream ended before its client could leave: ${all.slice(-160)}`);
          try {
            validate(kind, all);
            settle({ ms: performance.now() - started });
          } catch (error) {
            if (process.env.SOAK_DEBUG) {
              const ms = Math.round(performance.now() - started);
              const headers = JSON.stringify(res.headers);
              console.error(
                `INVALID ${kind} after ${ms} ms, status ${res.statusCode}, headers ${headers}: ${JSON.stringify(all.slice(0, 400))}`,
              );
            }
            fail(error.message);
          }
        });
        // after the client left, what its own destroy causes is no fault
        res.on("error", (error) => left || fail(`connection reset mid-response: ${error.code ?? error.message}`));
        res.on("close", () => left || res.complete || fail("connection closed mid-response"));
      },
    );
    req.on("error", (error) => left || fail(`connection error: ${error.code ?? error.message}`));
    const timer = setTimeout(() => {
      fail(`no complete answer within ${RUN_TIMEOUT_MS} ms`);
      req.destroy();
    }, RUN_TIMEOUT_MS);
    req.end(body);
  });
}

/** The least-squares line through RSS samples: its mean and its rise from the first sample's time to the last's (MiB). */
function rssTrend(samples) {
  if (samples.length < 2) return { mean: NaN, rise: NaN };
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const meanAt = mean(samples.map((sample) => sample.at));
  const meanRss = mean(samples.map((sample) => sample.rss));
  let covariance = 0;
  let variance = 0;
  for (const { at, rss } of samples) {
    covariance += (at - meanAt) * (rss - meanRss);
    variance += (at - meanAt) ** 2;
  }
  const slope = variance === 0 ? 0 : covariance / variance;
  return { mean: meanRss, rise: slope * (samples.at(-1).at - samples[0].at) };
}

/** The fake's count of provider requests: those of abort runs (held open until closed) and the others. */
const providerRequests = (fake) => ask(fake.child, "requests", "requests");

/** Waits (SETTLE_MS at most) until the fake has seen every abort run's provider request end; resolves with its counts. */
async function settledRequests(fake) {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const requests = await providerRequests(fake);
    const open = requests.abortRuns - requests.abortRunsClosedEarly - requests.abortRunsEnded;
    if (open === 0 || Date.now() > deadline) return { ...requests, open };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main() {
  console.error(`soak: ${SECONDS} s at concurrency ${CONCURRENCY}`);
  const loadAtStart = os.loadavg()[0].toFixed(1); // other work on the machine slows every run
  const fake = await start("./server-fake.mjs");
  const ours = await start("./server-ours.mjs", [fake.baseURL]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const stats = { completed: 0, aborted: 0, errors: 0, errorSamples: new Map(), latencies: { text: [], action: [], frontend: [] } };
  const heapAtStart = await heapAfterGc(ours);
  const began = Date.now();
  let end = began + SECONDS * 1000;
  const warmupUntil = began + Math.max(2000, SECONDS * 100);
  const halfway = began + SECONDS * 500;
  let warmedUp = false;
  let peakRss = 0;
  const rssUnderLoad = []; // { at, rss, warmedUp } while the load runs
  const sampler = setInterval(() => {
    const rss = rssMiB(ours.pid);
    peakRss = Math.max(peakRss, rss);
    if (pause === undefined) rssUnderLoad.push({ at: Date.now(), rss, warmedUp });
  }, 250);

  // The warm-up ends at a quiet point: no new run starts until those in flight are done and the fake has seen
  // their provider requests end; the heap and RSS measured then and at the end compare like with like.
  let inFlight = 0;
  let pause;
  let afterWarmup;
  const quiet = async () => {
    let release;
    pause = new Promise((resolve) => (release = resolve));
    const pausedAt = Date.now();
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await settledRequests(fake);
    const runs = stats.completed + stats.aborted + stats.errors;
    afterWarmup = { heap: await heapAfterGc(ours), runs, seconds: (pausedAt - began) / 1000 };
    end += Date.now() - pausedAt; // the load runs SECONDS in all
    afterWarmup.resumedAt = Date.now();
    warmedUp = true;
    pause = undefined;
    release();
  };

  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const runs = stats.completed + stats.aborted + stats.errors;
        if (!warmedUp && pause === undefined && Date.now() >= warmupUntil && (runs >= WARMUP_RUNS || Date.now() >= halfway)) void quiet();
        if (pause) await pause;
        if (Date.now() >= end) return;
        inFlight++;
        const result = await run(agent, ours.port, ours.path, pickKind(n++));
        inFlight--;
        if (result.aborted) stats.aborted++;
        else if (result.error) {
          stats.errors++;
          stats.errorSamples.set(result.error, (stats.errorSamples.get(result.error) ?? 0) + 1);
        } else {
          stats.completed++;
          if (warmedUp) stats.latencies[result.kind].push(result.ms);
        }
      }
    }),
  );
  const requests = await settledRequests(fake);
  const heapEnd = await heapAfterGc(ours);
  clearInterval(sampler);
  agent.destroy();
  ours.child.kill();
  fake.child.kill();

  // Every aborted run left after its provider's first words, so each has exactly one provider request, held open by
  // the fake until closed; the load is drained and the closes settled, so the counts must be equal, not close.
  const closes = {
    pass:
      stats.aborted > 0 &&
      requests.abortRunsClosedEarly === stats.aborted &&
      requests.abortRunsEnded === 0 &&
      requests.open === 0 &&
      requests.othersClosedEarly === 0,
    text: [
      `aborted runs' ${requests.abortRunsClosedEarly} of ${requests.abortRuns} (${stats.aborted} aborts`,
      `${requests.abortRunsEnded ? `; ${requests.abortRunsEnded} ended normally` : ""}`,
      `${requests.open ? `; ${requests.open} still open ${SETTLE_MS / 1000} s after the load` : ""}); `,
      `other runs' ${requests.othersClosedEarly} of ${requests.others}`,
    ].join(""),
  };
  const heapGrowth = afterWarmup ? heapEnd - afterWarmup.heap : NaN;
  const heapPass = heapGrowth <= HEAP_SLACK_MIB;
  // RSS under load swings with the collector by ±10% from one second to the next; its trend after the warm-up
  // (a least-squares line through every sample) is what a leak moves: the line's rise over the load, against its mean
  // from RSS_REFILL_MS after the quiet point, which lets RSS fall back for a while
  const trend = rssTrend(
    rssUnderLoad.filter((sample) => sample.warmedUp && sample.at >= (afterWarmup?.resumedAt ?? Infinity) + RSS_REFILL_MS),
  );
  const rssGrowth = trend.rise / trend.mean;
  // a leak only grows; RSS going down is memory handed back to the system
  const rssPass = CHECK || rssGrowth <= 0.1;
  const pass = stats.errors === 0 && closes.pass && heapPass && rssPass;

  const rows = Object.entries(stats.latencies).map(
    ([kind, values]) => `| ${kind} | ${values.length} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 99).toFixed(1)} |`,
  );
  const errorList = [...stats.errorSamples].map(([message, count]) => `${count}× ${message}`).join("; ") || "none";
  const command = `pnpm soak${SECONDS !== 120 ? ` -- --seconds ${SECONDS}` : ""}`;
  const cpus = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}`;
  const machine = `${cpus}, Node ${process.version}, load average ${loadAtStart} at the start`;
  const setup = [
    `Concurrency ${CONCURRENCY} for ${SECONDS} s against the fake OpenAI server`,
    "(`@copilot-runtime/node` + `OpenAIAdapter` + one server action, in its own process):",
    "45% text answers, 30% server-action runs, 15% frontend-tool runs,",
    "10% clients that leave in the middle of the answer (after a 200 and its first words; the fake holds those answers open).",
    "Every completed stream is validated (event order, the full answer, the action's result, no server result for a frontend tool);",
    "a connection reset, a non-200 status, a stream cut short or invalid, or no answer within 30 s is an error, never an abort.",
    `The warm-up (${afterWarmup?.seconds.toFixed(1) ?? "?"} s, ${afterWarmup?.runs ?? "?"} runs: 10% of the time, 2 s at least,`,
    `and ${WARMUP_RUNS} runs, or half the time) ends at a quiet point`,
    "(no run in flight, every provider request ended), as the end does: the heap after a full GC is compared there.",
  ].join(" ");
  const fmt = (value) => (value === undefined || Number.isNaN(value) ? "?" : value.toFixed(1));
  const signed = (value) => {
    const text = fmt(Math.abs(value));
    return text === "?" ? text : `${value < 0 && text !== "0.0" ? "-" : "+"}${text}`;
  };
  const heapGoal = `goal at most +${HEAP_SLACK_MIB}`;
  const heapFigures = `${fmt(heapAtStart)} → ${fmt(afterWarmup?.heap)} → ${fmt(heapEnd)}`;
  const heap = `${heapFigures} (${signed(heapGrowth)} MiB after the warm-up; ${heapGoal})`;
  const rssGoal = `goal at most +10%${CHECK ? ", not checked with --check" : ""}`;
  const rssTrendText = `trend ${signed(trend.rise)} over the load (${signed(rssGrowth * 100)}%; ${rssGoal})`;
  const rss = `mean ${fmt(trend.mean)}, ${rssTrendText}`;
  const verdict = [
    pass ? "Pass" : "**Fail**",
    ": ",
    stats.errors === 0 ? "zero unexpected errors" : `${stats.errors} unexpected errors`,
    closes.pass
      ? ", every aborted run's provider request closed early (and no other)"
      : ", **provider early closes do not match the aborts**",
    `, heap after GC ${signed(heapGrowth)} MiB${heapPass ? "" : " (**over the bound**)"}`,
    CHECK ? "" : `, RSS growth ${signed(rssGrowth * 100)}%${rssPass ? "" : " (**over the bound**)"}`,
    ".",
  ].join("");
  const report = `# Soak results

\`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.
${setup}

| | |
|---|---|
| runs completed and valid | ${stats.completed} |
| runs aborted by their client | ${stats.aborted} |
| provider requests closed early | ${closes.text} |
| unexpected errors | ${stats.errors} (${errorList}) |
| heap after GC at start → after warm-up → at the end (MiB) | ${heap} |
| RSS under load, from ${RSS_REFILL_MS / 1000} s after the warm-up (MiB) | ${rss} |
| RSS peak (MiB) | ${peakRss.toFixed(0)} |

| kind | runs after warm-up | p50 (ms) | p99 (ms) |
|---|---|---|---|
${rows.join("\n")}

${verdict}
`;
  console.log(report);
  if (WRITE) writeFileSync(new URL("../SOAK.md", import.meta.url), report);
  process.exit(pass ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
