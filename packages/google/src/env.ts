/** An environment variable, where the runtime has `process.env` (not on every edge runtime). */
export function envVar(name: string): string | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return value === "" ? undefined : value;
}
