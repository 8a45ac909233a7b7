import { cp } from "node:fs/promises";
import { packageBuild } from "../../tsup.shared.js";

export default packageBuild({
  entry: ["src/index.ts", "src/conformance.ts"],
  // `fixturePath` resolves fixtures next to the bundle (import.meta.url, shimmed in the CJS build)
  shims: true,
  onSuccess: () => cp("src/fixtures", "dist/fixtures", { recursive: true }),
});
