// `pnpm soak`: concurrency 200 for 2 minutes (or --seconds N) against the fake
// provider: text, server-action and frontend-tool runs, 10% of clients aborting.
// Every completed stream is validated; unexpected errors are counted; RSS is
// compared between the end of the warm-up and the end. Writes bench/SOAK.md.
import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseSSE, verifyEvents } from "@copilot-runtime/testing";
import { percentile, rssMiB } from "./measure.mjs";
import { ANSWER, FRONTEND_PROMPT, TOOL_PROMPT } from "./scenario.mjs";

const argument = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const SECONDS = argument("--seconds", 120);
const CONCURRENCY = argument("--concurrency", 200);
const CHECK = process.argv.includes("--check");
const WRITE = !process.argv.includes("--no-write");

function start(file, args = []) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      execArgv: ["--expose-gc"],
    });
    child.once("error", reject);
    child.once("message", (message) => resolve({ child, pid: child.pid, ...message }));
  });
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

function run(agent, port, path, kind) {
  const prompt = kind === "action" ? TOOL_PROMPT : kind === "frontend" ? FRONTEND_PROMPT : "hello";
  const body = JSON.stringify({
    threadId: `soak-${crypto.randomUUID()}`,
    runId: crypto.randomUUID(),
    messages: [{ id: "u", role: "user", content: prompt }],
    tools: kind === "frontend" ? [confirmTool] : [],
  });
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks = [];
    let abandoned = false;
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
        res.on("data", (chunk) => {
          chunks.push(chunk);
          if (kind === "abort" && !abandoned) {
            abandoned = true; // the client vanishes after the first bytes
            req.destroy();
          }
        });
        res.on("end", () => {
          // the client cut the stream itself: what it got is partial by its own doing
          if (abandoned) return resolve({ kind, aborted: true });
          if (res.statusCode !== 200) return resolve({ kind, error: `HTTP ${res.statusCode}` });
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            validate(kind, text);
            resolve({ kind, ms: performance.now() - started });
          } catch (error) {
            if (process.env.SOAK_DEBUG) {
              const ms = Math.round(performance.now() - started);
              const headers = JSON.stringify(res.headers);
              console.error(
                `INVALID ${kind} after ${ms} ms, status ${res.statusCode}, headers ${headers}: ${JSON.stringify(text.slice(0, 400))}`,
              );
            }
            resolve({ kind, error: error.message });
          }
        });
        res.on("error", () => resolve({ kind, aborted: true }));
      },
    );
    req.on("error", (error) => resolve(kind === "abort" ? { kind, aborted: true } : { kind, error: error.message }));
    req.end(body);
  });
}

async function main() {
  console.error(`soak: ${SECONDS} s at concurrency ${CONCURRENCY}`);
  const fake = await start("./server-fake.mjs");
  const ours = await start("./server-ours.mjs", [fake.baseURL]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const stats = { completed: 0, aborted: 0, errors: 0, errorSamples: new Map(), latencies: { text: [], action: [], frontend: [] } };
  const warmupEnd = Date.now() + Math.max(2000, SECONDS * 100);
  const end = Date.now() + SECONDS * 1000;
  let rssAfterWarmup;
  let peakRss = 0;
  const sampler = setInterval(() => {
    const rss = rssMiB(ours.pid);
    peakRss = Math.max(peakRss, rss);
    if (rssAfterWarmup === undefined && Date.now() >= warmupEnd) rssAfterWarmup = rss;
  }, 250);

  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        const result = await run(agent, ours.port, ours.path, pickKind(n++));
        if (result.aborted) stats.aborted++;
        else if (result.error) {
          stats.errors++;
          stats.errorSamples.set(result.error, (stats.errorSamples.get(result.error) ?? 0) + 1);
        } else {
          stats.completed++;
          if (Date.now() > warmupEnd) stats.latencies[result.kind].push(result.ms);
        }
      }
    }),
  );
  clearInterval(sampler);
  const rssEnd = rssMiB(ours.pid);
  agent.destroy();
  ours.child.kill();
  fake.child.kill();

  const growth = rssAfterWarmup ? (rssEnd - rssAfterWarmup) / rssAfterWarmup : NaN;
  const rows = Object.entries(stats.latencies).map(
    ([kind, values]) => `| ${kind} | ${values.length} | ${percentile(values, 50).toFixed(1)} | ${percentile(values, 99).toFixed(1)} |`,
  );
  const errorList = [...stats.errorSamples].map(([message, count]) => `${count}× ${message}`).join("; ") || "none";
  const pass = stats.errors === 0 && (CHECK || Math.abs(growth) <= 0.1);
  const command = `pnpm soak${SECONDS !== 120 ? ` -- --seconds ${SECONDS}` : ""}`;
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, Node ${process.version}`;
  const setup = [
    `Concurrency ${CONCURRENCY} for ${SECONDS} s against the fake OpenAI server`,
    "(`@copilot-runtime/node` + `OpenAIAdapter` + one server action, in its own process):",
    "45% text answers, 30% server-action runs, 15% frontend-tool runs, 10% clients that disconnect after the first bytes.",
    "Every completed stream is validated (event order, the full answer, the action's result, no server result for a frontend tool).",
  ].join(" ");
  const rss = `${rssAfterWarmup?.toFixed(0)} → ${rssEnd.toFixed(0)} (${(growth * 100).toFixed(1)}%; goal within 10%)`;
  const verdict = [
    pass ? "Pass" : "**Fail**",
    ": ",
    stats.errors === 0 ? "zero unexpected errors" : `${stats.errors} unexpected errors`,
    CHECK ? "" : `, RSS growth ${(growth * 100).toFixed(1)}%`,
    ".",
  ].join("");
  const report = `# Soak results

\`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${machine}.
${setup}

| | |
|---|---|
| runs completed and valid | ${stats.completed} |
| runs aborted by their client | ${stats.aborted} |
| unexpected errors | ${stats.errors} (${errorList}) |
| RSS after warm-up → at the end (MiB) | ${rss} |
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
