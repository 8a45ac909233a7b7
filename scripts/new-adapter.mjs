#!/usr/bin/env node
// Scaffolds a new LLM adapter package: `pnpm new:adapter <name> [--sdk <npm package>] [--no-install]`.
//
// Writes packages/<name> from scripts/adapter-template/ (a working adapter for an OpenAI-like streaming API, its fake
// provider server, the conformance test, configs, README) and .changeset/<name>.md; then links it into the
// workspace (`pnpm install`; with --sdk, `pnpm add --save-peer <sdk>`), builds what it depends on, and writes its
// public-api.txt. Right after it, `pnpm test --filter @copilot-runtime/<name>` runs its conformance suite, green.
// Every part to replace with the provider's own is marked `TODO(<name>)`.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const templateDir = join(root, "scripts", "adapter-template");
const TEMPLATE_NAME = "template-provider";
const USAGE = `Usage: pnpm new:adapter <name> [--sdk <npm package>] [--no-install]

  <name>        the provider, in kebab-case (e.g. mistral, together-ai): packages/<name>, @copilot-runtime/<name>
  --sdk <pkg>   the provider's npm SDK, added as a peer dependency (and a dev dependency for the tests);
                without it the adapter calls the API with fetch and needs nothing else
  --no-install  only write the files (then run pnpm install yourself)`;

function fail(message) {
  console.error(`new:adapter: ${message}\n\n${USAGE}`);
  process.exit(1);
}

function parseArgs(argv) {
  const options = { name: undefined, sdk: undefined, install: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === "--no-install") options.install = false;
    else if (arg === "--sdk") options.sdk = argv[++i] ?? fail("--sdk needs a package name");
    else if (arg.startsWith("--sdk=")) options.sdk = arg.slice("--sdk=".length);
    else if (arg.startsWith("-")) fail(`unknown option ${arg}`);
    else if (options.name === undefined) options.name = arg;
    else fail(`one name only (got "${options.name}" and "${arg}")`);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const { name, sdk } = options;
if (name === undefined) fail("give the provider's name");
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
  fail(`"${name}" is not kebab-case: lower-case letters and digits, words joined by single dashes, starting with a letter`);
}
if (name.length > 32) fail(`"${name}" is longer than 32 characters`);
if (name === TEMPLATE_NAME) fail(`"${name}" is the template's own name`);
if (sdk !== undefined && !/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(sdk)) fail(`"${sdk}" is not an npm package name`);
if (sdk?.startsWith("@copilot-runtime/")) fail("--sdk names the provider's own SDK, not a package of this repository");

const packageDir = join(root, "packages", name);
const changesetFile = join(root, ".changeset", `${name}.md`);
const packageName = `@copilot-runtime/${name}`;
for (const path of [packageDir, changesetFile]) {
  if (existsSync(path)) fail(`${relative(root, path)} exists already: pick another name, or remove it first`);
}

const words = name.split("-");
const capitalized = words.map((word) => word[0].toUpperCase() + word.slice(1));
// the template's names, in each of their spellings, and what they become
const replacements = [
  [TEMPLATE_NAME, name],
  ["TemplateProvider", capitalized.join("")],
  ["templateProvider", words[0] + capitalized.slice(1).join("")],
  ["TEMPLATE_PROVIDER", name.toUpperCase().replaceAll("-", "_")],
  ["Template Provider", capitalized.join(" ")],
];
const rename = (text) => replacements.reduce((out, [from, to]) => out.replaceAll(from, to), text);

/** What --sdk changes in a file of the template. */
function withSdk(path, text) {
  if (sdk === undefined) return text;
  if (path === "README.md")
    return text.replace(`npm i @copilot-runtime/core ${packageName}`, `npm i @copilot-runtime/core ${packageName} ${sdk}`);
  return text.replaceAll("its SDK's streaming call", `\`${sdk}\`'s streaming call`);
}

function templateFiles(dir = templateDir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templateFiles(join(dir, entry.name)) : [relative(templateDir, join(dir, entry.name))],
  );
}

/** Prettier's formatting, as `pnpm format` would write the file (files Prettier does not know are left as they are). */
async function formatted(path, text) {
  const info = await prettier.getFileInfo(path);
  if (info.ignored || info.inferredParser === null) return text;
  return prettier.format(text, { ...(await prettier.resolveConfig(path)), filepath: path });
}

function run(command, args) {
  console.log(`\n$ ${[command, ...args].join(" ")}`);
  try {
    execFileSync(command, args, { cwd: root, stdio: "inherit" });
  } catch {
    console.error(
      `\nnew:adapter: that command failed. The files of packages/${name} are written: fix what it says and run it again, ` +
        `or remove packages/${name} and .changeset/${name}.md to start over.`,
    );
    process.exit(1);
  }
}

/** pnpm: the one running this script (`pnpm new:adapter`), else the one on PATH. */
function pnpm(...args) {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm/.test(execPath) && /\.[cm]?js$/.test(execPath)) run(process.execPath, [execPath, ...args]);
  else run("pnpm", args);
}

const written = [];
try {
  for (const file of templateFiles()) {
    const target = file === "changeset.md" ? changesetFile : join(packageDir, rename(file));
    const text = withSdk(file, rename(readFileSync(join(templateDir, file), "utf8")));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await formatted(target, text));
    written.push(relative(root, target));
  }
} catch (error) {
  rmSync(packageDir, { recursive: true, force: true });
  rmSync(changesetFile, { force: true });
  throw error;
}
console.log(`new:adapter: wrote ${packageName}\n${written.map((file) => `  ${file}`).join("\n")}`);

if (options.install) {
  // --prefer-offline: what the store holds already is not fetched again; CI=true would make the lockfile frozen
  if (sdk === undefined) pnpm("install", "--prefer-offline", "--no-frozen-lockfile");
  else pnpm("--filter", packageName, "add", "--save-peer", "--prefer-offline", sdk);
  const manifestPath = join(packageDir, "package.json");
  writeFileSync(manifestPath, await formatted(manifestPath, readFileSync(manifestPath, "utf8")));
  // its public-api.txt is read from the built declarations of the packages it depends on
  run(process.execPath, [
    join(root, "scripts", "turbo.mjs"),
    "run",
    "build",
    "--filter",
    `${packageName}^...`,
    "--output-logs=errors-only",
  ]);
  run(process.execPath, [join(root, "scripts", "public-api.mjs"), name]);
}

const peerNote =
  sdk !== undefined && options.install
    ? `\n  --sdk: ${sdk} is a peer dependency, its range the version installed now; widen it to the versions you test.\n`
    : "";
console.log(`${peerNote}
new:adapter: ${packageName} is ready${options.install ? "" : " (files only: run pnpm install, then pnpm build and pnpm api:update)"}. Next:

  pnpm test --filter ${packageName}       # builds what it needs, runs its tests and the conformance suite
  grep -rn "TODO(${name})" packages/${name}   # what to replace with your provider's API (CONTRIBUTING.md)
  pnpm typecheck --filter ${packageName} && pnpm lint && pnpm format:check
`);
