#!/usr/bin/env node
// CI's check that `pnpm new:adapter` cannot rot: in a copy of this workspace (in the system's temporary folder,
// removed at the end whatever happens; the repository itself is never touched), it generates an adapter package the
// way a contributor does, then builds, typechecks and tests it through turbo (its conformance suite included), lints
// and formats it, checks its house style, public API snapshot and dependency rules. Then it proves the suite's
// strictness on the generated fake: without a 403 error case the suite fails and says why; with the 403 declared
// unsupported (with a reason) it passes and reports that check as skipped, with the reason. A second package made
// with `--sdk openai` must declare that SDK as a peer, which the dependency rules then treat as a vendor SDK.
//
//   node scripts/check-scaffold.mjs   (pnpm scaffold:check; KEEP_SCAFFOLD_CHECK=1 keeps the copy for a look)
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const NAME = "scaffold-check";
const PACKAGE = `@copilot-runtime/${NAME}`;
const SDK_NAME = "scaffold-check-sdk";
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const copy = realpathSync(mkdtempSync(join(process.env.SCAFFOLD_CHECK_DIR ?? tmpdir(), "copilot-runtime-scaffold-")));
let removed = false;
function removeCopy() {
  if (removed) return;
  removed = true;
  if (process.env.KEEP_SCAFFOLD_CHECK === "1") console.log(`scaffold check: kept ${copy}`);
  else rmSync(copy, { recursive: true, force: true });
}
process.on("exit", removeCopy);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    removeCopy();
    process.exit(130);
  });
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Runs a command in the copy; its output is shown when it fails unexpectedly. */
function run(step, command, args, { expectFailure = false, env = {} } = {}) {
  const since = Date.now();
  const result = spawnSync(command, args, {
    cwd: copy,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.replace(ANSI, "");
  const failed = result.status !== 0;
  if (failed !== expectFailure) {
    console.error(output);
    fail(`${step}: ${expectFailure ? "passed, and should have failed" : `failed (exit ${result.status ?? result.signal})`}`);
  }
  console.log(`scaffold check: ${step} (${seconds(since)})`);
  return output;
}

function fail(message) {
  console.error(`\nscaffold check FAILED: ${message}`);
  process.exit(1);
}

function expectIn(output, pattern, what) {
  if (!(typeof pattern === "string" ? output.includes(pattern) : pattern.test(output))) {
    console.error(output);
    fail(`expected ${what}`);
  }
}

const node = (step, args, options) => run(step, process.execPath, args, options);
const pnpm = (step, args, options) => run(step, "pnpm", args, options);
const vitest = (step, dir, args, options) => pnpm(step, ["--filter", dir, "exec", "vitest", "run", ...args], options);

// 1. The copy: the files git knows of (committed or not, ignored ones left out), as they are in the working tree.
const files = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
if (files.status !== 0) fail(`git ls-files failed: ${files.stderr}`);
let count = 0;
for (const file of files.stdout.split("\0")) {
  if (file === "" || !existsSync(join(root, file))) continue;
  mkdirSync(dirname(join(copy, file)), { recursive: true });
  copyFileSync(join(root, file), join(copy, file));
  count++;
}
console.log(`scaffold check: copied ${count} files to ${copy}`);
run("git init (the house style check lists files with git)", "git", ["init", "-q"]);

// 2. What a contributor runs: install, then the scaffold (it installs, builds its dependencies, writes the API snapshot).
pnpm("pnpm install", ["install", "--frozen-lockfile", "--prefer-offline"]);
const generated = node(`pnpm new:adapter ${NAME}`, ["scripts/new-adapter.mjs", NAME]);
expectIn(generated, `${PACKAGE} is ready`, "the scaffold to finish");
node("refuses a name that is not kebab-case", ["scripts/new-adapter.mjs", "Not_Kebab"], { expectFailure: true });
node("refuses a folder that exists", ["scripts/new-adapter.mjs", NAME, "--no-install"], { expectFailure: true });

// 3. turbo builds, typechecks and tests it: the conformance suite runs, and passes with nothing skipped.
const turbo = node("turbo run build typecheck test", [
  "scripts/turbo.mjs",
  "run",
  "build",
  "typecheck",
  "test",
  "--filter",
  PACKAGE,
  "--output-logs=full",
]);
for (const task of ["build", "typecheck", "test"]) expectIn(turbo, `${PACKAGE}:${task}: `, `turbo to run ${PACKAGE}#${task}`);
expectIn(turbo, /src\/conformance\.test\.ts \(\d+ tests\)/, "the conformance suite to run");
expectIn(turbo, /Tests +\d+ passed \(\d+\)/, "every test of the generated package to pass, none skipped");

// 4. The repository's checks, on the generated code.
pnpm("oxlint", ["exec", "oxlint", "--deny-warnings", `packages/${NAME}`]);
pnpm("prettier --check", ["exec", "prettier", "--check", `packages/${NAME}`]);
node("house style", ["scripts/check-style.mjs"]);
node("public API snapshot", ["scripts/public-api.mjs", "--check", NAME]);
const rules = vitest("dependency rules and workspace packages", "@copilot-runtime/protocol", [
  "src/dependency-rules.test.ts",
  "src/workspace-packages.test.ts",
  "--reporter=verbose",
]);
expectIn(rules, `${NAME} has build, test and typecheck scripts`, "the workspace packages test to check the new package");

// 5. A package turbo would skip (no test script) fails the workspace packages test.
const manifestPath = join(copy, "packages", NAME, "package.json");
const manifest = readFileSync(manifestPath, "utf8");
const withoutTest = JSON.parse(manifest);
delete withoutTest.scripts.test;
writeFileSync(manifestPath, JSON.stringify(withoutTest, null, 2));
const skipped = vitest("a package without a test script fails", "@copilot-runtime/protocol", ["src/workspace-packages.test.ts"], {
  expectFailure: true,
});
expectIn(skipped, "lacks scripts that turbo would skip without a word", "the workspace packages test to name the missing script");
writeFileSync(manifestPath, manifest);

// 6. The suite's strictness: a fake without a 403 error case fails it, with the suite's explanation...
const fakePath = join(copy, "packages", NAME, "src", `fake-${NAME}.ts`);
const fake = readFileSync(fakePath, "utf8");
const without403 = fake.replace(/^\s*\[403, "[^"]*"\],\n/m, "");
if (without403 === fake) fail(`no 403 error case found to remove in ${fakePath}`);
writeFileSync(fakePath, without403);
const strict = vitest("conformance without a 403 error case fails", PACKAGE, ["src/conformance.test.ts"], { expectFailure: true });
expectIn(strict, `${NAME}'s fake declares no HTTP 403 error case`, "the suite to say that the 403 case is missing");
expectIn(strict, /Tests +1 failed \| \d+ passed/, "exactly that check to fail");

// ...and declaring the 403 unsupported, with a reason, passes, with that check reported as skipped with the reason.
const REASON = "the scaffold check's provider never answers 403";
const declared = without403.replace("unsupportedFaults: {}", `unsupportedFaults: { "http-403": "${REASON}" }`);
if (declared === without403) fail(`no "unsupportedFaults: {}" found in ${fakePath}`);
writeFileSync(fakePath, declared);
const lenient = vitest("conformance with http-403 declared unsupported passes", PACKAGE, ["src/conformance.test.ts", "--reporter=verbose"]);
// vitest's verbose line of a skipped test: "↓ <file> > <suite> > <test> 0ms [<the note it was skipped with>]"
const skippedLine = new RegExp(`↓ .*reports HTTP 403 as RUN_ERROR with a stable code and no secret( \\d+ms)? \\[http-403: ${REASON}\\]`);
expectIn(lenient, skippedLine, "the 403 check skipped, with the reason");
expectIn(lenient, /Tests +\d+ passed \| 1 skipped/, "the other checks to pass");
writeFileSync(fakePath, fake);

// 7. --sdk: the SDK becomes a peer (and a dev dependency for the tests), a vendor SDK to the dependency rules.
node(`pnpm new:adapter ${SDK_NAME} --sdk openai`, ["scripts/new-adapter.mjs", SDK_NAME, "--sdk", "openai"]);
const sdkManifest = JSON.parse(readFileSync(join(copy, "packages", SDK_NAME, "package.json"), "utf8"));
if (!sdkManifest.peerDependencies?.openai || !sdkManifest.devDependencies?.openai) {
  fail(`--sdk openai: expected openai in peerDependencies and devDependencies, got ${JSON.stringify(sdkManifest, null, 2)}`);
}
const sdkReadme = readFileSync(join(copy, "packages", SDK_NAME, "README.md"), "utf8");
expectIn(sdkReadme, `@copilot-runtime/${SDK_NAME} openai`, "the SDK on the install line");
vitest("dependency rules with the SDK's package", "@copilot-runtime/protocol", ["src/dependency-rules.test.ts"]);

console.log(`\nscaffold check passed in ${seconds(started)}`);
