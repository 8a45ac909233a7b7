import { readFileSync } from "node:fs";
import { packageBuild } from "../../tsup.shared.js";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

export default packageBuild({ define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) } });
