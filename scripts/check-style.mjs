#!/usr/bin/env node
// House style beyond what Prettier enforces: no code line over 140 characters
// (Prettier cannot break long strings or comments), no word "seed" in
// shipped docs, comments or test names (this file has to name it), no
// double blank lines in Markdown, and a CopilotRuntime in a Markdown example
// is named `copilotRuntime` (a Next.js route file exports `runtime` itself).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const MAX = 140;
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs|json|ya?ml|css|html)$/;
const TEXT = /\.(ts|tsx|mts|cts|js|mjs|cjs|md)$/;
const SELF = "scripts/check-style.mjs";
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" })
  .split("\n")
  .filter((file) => file !== "" && file !== "pnpm-lock.yaml" && !file.startsWith(".changeset/"));

const problems = [];
for (const file of files) {
  if (!CODE.test(file) && !TEXT.test(file)) continue;
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    continue; // deleted in the working tree
  }
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    if (CODE.test(file) && line.length > MAX) problems.push(`${file}:${index + 1}: line of ${line.length} characters (max ${MAX})`);
    if (TEXT.test(file) && file !== SELF && /\bseed\b/i.test(line)) problems.push(`${file}:${index + 1}: says "seed"`);
    if (file.endsWith(".md") && index > 0 && line.trim() === "" && lines[index - 1].trim() === "" && index < lines.length - 1) {
      problems.push(`${file}:${index + 1}: double blank line`);
    }
    const instance = file.endsWith(".md") ? /\b(?:const|let|var)\s+(\w+)\s*=\s*new CopilotRuntime\b/.exec(line) : null;
    if (instance && instance[1] !== "copilotRuntime") problems.push(`${file}:${index + 1}: name the CopilotRuntime copilotRuntime`);
  });
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  console.error(`\n${problems.length} style problem(s).`);
  process.exit(1);
}
console.log(`style: ${files.length} files checked`);
