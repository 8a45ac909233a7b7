/** Whether this is Node (not an edge runtime or a browser), where `node:http` is there to use. */
export function isNodeRuntime(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string" && !("EdgeRuntime" in globalThis);
}
