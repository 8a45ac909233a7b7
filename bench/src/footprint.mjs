// Install footprint of a fresh project: node_modules bytes and package count,
// for `openai` alone, ours (core + openai adapter + node binding) and @copilotkit/runtime.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function walk(dir) {
  let bytes = 0;
  let packages = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      const inner = walk(path);
      bytes += inner.bytes;
      packages += inner.packages;
    } else {
      bytes += statSync(path).size;
      if (entry.name === "package.json" && /node_modules[/\\](@[^/\\]+[/\\])?[^/\\]+$/.test(dir)) packages++;
    }
  }
  return { bytes, packages };
}

function install(specs) {
  const dir = mkdtempSync(join(tmpdir(), "cr-footprint-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "footprint", version: "1.0.0", private: true }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", ...specs], {
      cwd: dir,
      stdio: "pipe",
      timeout: 300_000,
    });
    return walk(join(dir, "node_modules"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Packs our packages into tarballs (workspace versions as npm would publish them). */
function packOurs(root) {
  const out = mkdtempSync(join(tmpdir(), "cr-packs-"));
  for (const name of ["protocol", "core", "openai", "node"]) {
    execFileSync("pnpm", ["pack", "--pack-destination", out], { cwd: join(root, "packages", name), stdio: "pipe" });
  }
  return { dir: out, tarballs: readdirSync(out).map((file) => join(out, file)) };
}

export function measureFootprint(root, openaiVersion, copilotkitVersion) {
  const openai = install([`openai@${openaiVersion}`]);
  const packs = packOurs(root);
  try {
    const ours = install([...packs.tarballs, `openai@${openaiVersion}`]);
    const copilotkit = install([`@copilotkit/runtime@${copilotkitVersion}`, `openai@${openaiVersion}`]);
    return { openai, ours, copilotkit };
  } finally {
    rmSync(packs.dir, { recursive: true, force: true });
  }
}
