import type { AgentInfo, NormalizedAction, RuntimeInfo } from "@copilot-runtime/protocol";
import type { AgentEntry } from "./agent.js";

/** The body of `GET {base}/info`: the runtime's version, its agents (with their AG-UI capabilities) and its server actions. */
export function runtimeInfo(version: string, agents: ReadonlyMap<string, AgentEntry>, actions: readonly NormalizedAction[]): RuntimeInfo {
  const described: Record<string, AgentInfo> = {};
  for (const [name, agent] of agents) {
    described[name] = {
      name,
      description: agent.description,
      className: agent.className,
      ...(agent.capabilities ? { capabilities: agent.capabilities } : {}),
    };
  }
  return {
    version,
    agents: described,
    actions: actions.map((action) => ({ name: action.name, description: action.description, parameters: action.parameters })),
    audioFileTranscriptionEnabled: false,
    mode: "sse",
    telemetryDisabled: true,
  };
}
