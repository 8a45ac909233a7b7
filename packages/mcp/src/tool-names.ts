const MAX_NAME = 64;

/** A tool name LLM providers accept (1-64 letters, digits, "_" or "-"): other characters become "_". */
export function providerToolName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, MAX_NAME) || "tool";
}

export interface NamedTool<T> {
  server: string;
  tool: T;
  /** The tool's name on its server. */
  name: string;
}

/**
 * The action name of every tool, in a predictable way. Servers are taken in configuration order, each server's tools
 * in the order it lists them. A tool keeps its own name (made provider-safe) unless that name is taken, by one of
 * the app's actions or LangServe chains (`reserved`) or by a tool named before it; then it is `<server>_<tool>`;
 * if that is taken too, `<server>_<tool>_2`, `_3`, ... Names are at most 64 characters.
 */
export function assignToolNames<T>(tools: readonly NamedTool<T>[], reserved: ReadonlySet<string>): Map<string, NamedTool<T>> {
  const assigned = new Map<string, NamedTool<T>>();
  const taken = (name: string) => reserved.has(name) || assigned.has(name);
  for (const entry of tools) {
    const own = providerToolName(entry.name);
    let name = own;
    if (taken(name)) {
      const prefixed = providerToolName(`${entry.server}_${own}`);
      name = prefixed;
      for (let n = 2; taken(name); n++) name = `${prefixed.slice(0, MAX_NAME - String(n).length - 1)}_${n}`;
    }
    assigned.set(name, entry);
  }
  return assigned;
}
