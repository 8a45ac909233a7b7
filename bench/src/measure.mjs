// Small measuring helpers: process CPU and memory from /proc, percentiles, an HTTP client.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";

const TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** CPU time (user + system) of a process, in ms. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * POSTs JSON (with any extra `headers`) and reads the streamed answer; resolves with the status, the response
 * headers, the time to the first `data:` frame, the total time, and the body.
 */
export function streamRequest(agent, port, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const started = performance.now();
    let firstEvent;
    const chunks = [];
    const req = http.request(
      {
        agent,
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          "content-length": Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        res.on("data", (chunk) => {
          if (firstEvent === undefined && chunk.includes("data:")) firstEvent = performance.now() - started;
          chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            ttfe: firstEvent ?? NaN,
            total: performance.now() - started,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Runs `count` tasks with at most `concurrency` at once. */
export async function pool(count, concurrency, task) {
  await poolFor({ count, ms: 0, concurrency: Math.min(concurrency, count) }, task);
}

/**
 * Runs tasks with at most `concurrency` at once until at least `count` have started and at least `ms` have passed
 * since the first started; resolves with how many ran (each started task runs to its end).
 */
export async function poolFor({ count, ms, concurrency }, task) {
  let next = 0;
  const deadline = performance.now() + ms;
  const more = () => next < count || performance.now() < deadline;
  const workers = Array.from({ length: concurrency }, async () => {
    while (more()) {
      const index = next++;
      await task(index);
    }
  });
  await Promise.all(workers);
  return next;
}
