import type { AgentInfo, NormalizedAction, RuntimeInfo } from "@copilot-runtime/protocol";
import type { AgentEntry } from "./agent.js";

/** The body of `GET {base}/info`: the runtime's version, its agents (with their AG-UI capabilities) and its server actions. */
export async function runtimeInfo(
  version: string,
  agents: ReadonlyMap<string, AgentEntry>,
  actions: readonly NormalizedAction[],
): Promise<RuntimeInfo> {
  const described: Record<string, AgentInfo> = {};
  const entries = [...agents];
  const loaded = await Promise.all(entries.map(([, agent]) => agent.capabilities ?? agent.loadCapabilities?.()));
  entries.forEach(([name, agent], index) => {
    const capabilities = loaded[index];
    described[name] = {
      name,
      description: agent.description,
      className: agent.className,
      ...(capabilities ? { capabilities } : {}),
    };
  });
  return {
    version,
    agents: described,
    actions: actions.map((action) => ({ name: action.name, description: action.description, parameters: action.parameters })),
    audioFileTranscriptionEnabled: false,
    mode: "sse",
    telemetryDisabled: true,
  };
}
