#!/usr/bin/env node
// turbo with its telemetry and update notifier off, for the root package.json
// scripts: `node scripts/turbo.mjs run test` is `turbo run test`.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";

const turbo = createRequire(import.meta.url).resolve("turbo/bin/turbo");
const child = spawn(process.execPath, [turbo, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" },
});
// Ctrl-C reaches turbo too (same process group); wait for it to stop its tasks.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
