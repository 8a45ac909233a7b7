// What importing the runtime costs a server at start-up: no undici (Node's fetch, loaded when `Request`,
// `Response` or `Headers` is first touched) and no zod; each loads only when a request needs it.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("importing the runtime", () => {
  it("loads neither undici nor zod", () => {
    // the CommonJS builds, so that require.cache lists every file that was loaded
    const script = `
      require("@copilot-runtime/protocol");
      require("@copilot-runtime/core");
      const zod = Object.keys(require.cache).filter((file) => /[\\\\/]zod[\\\\/]/.test(file));
      const undici = process.moduleLoadList.filter((name) => name.includes("undici"));
      console.log(JSON.stringify({ zod, undici }));
    `;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" });
    expect(JSON.parse(out.trim())).toEqual({ zod: [], undici: [] });
  });
});
