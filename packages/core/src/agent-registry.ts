import { ConfigurationError, RequestError, isPlainObject } from "@copilot-runtime/protocol";
import type { AgentEntry } from "./agent.js";
import type { AgentsContext, AgentsOption, AgentsRecord } from "./agui-agent.js";
import { remoteAgentEntry } from "./remote-agent.js";

/** Checks an `agents` record (the option, or what its function returned); every mistake names the agent. */
export function checkAgentsRecord(agents: unknown, where: string): asserts agents is AgentsRecord {
  if (!isPlainObject(agents))
    throw new ConfigurationError(`${where} must be an object of AG-UI agents by id, e.g. { research: new HttpAgent({ url }) }.`);
  for (const [id, agent] of Object.entries(agents)) {
    if (id.trim() === "" || id.includes("/"))
      throw new ConfigurationError(`${where}: agent id ${JSON.stringify(id)} must be non-empty and contain no "/".`);
    if (agent == null || typeof (agent as { run?: unknown }).run !== "function") {
      throw new ConfigurationError(
        `${where}.${id} must be an AG-UI agent (an object with run(input), such as HttpAgent or LangGraphAgent).`,
      );
    }
  }
}

/** Checks the `agents` option once, at construction. */
export function checkAgentsOption(option: unknown): asserts option is AgentsOption | undefined {
  if (option == null || typeof option === "function") return;
  checkAgentsRecord(option, "`agents`");
}

function entriesOf(builtIn: ReadonlyMap<string, AgentEntry>, agents: AgentsRecord): ReadonlyMap<string, AgentEntry> {
  const entries = new Map(builtIn);
  // `agents.default` replaces the built-in agent
  for (const [id, agent] of Object.entries(agents)) entries.set(id, remoteAgentEntry(id, agent));
  return entries;
}

/**
 * The agents a handler serves: the built-in agent as `default` (when there is a service adapter), and the
 * `agents` option's AG-UI agents, a `default` among them replacing the built-in one. A static record is
 * resolved once; a function is called for every request.
 */
export class AgentRegistry {
  private readonly fixed: ReadonlyMap<string, AgentEntry> | undefined;

  constructor(
    private readonly builtIn: ReadonlyMap<string, AgentEntry>,
    private readonly option: AgentsOption | undefined,
  ) {
    if (typeof option !== "function") this.fixed = entriesOf(builtIn, option ?? {});
  }

  /** Whether this registry serves anything at all (a function may serve agents; it is only known per request). */
  get empty(): boolean {
    return this.fixed !== undefined && this.fixed.size === 0;
  }

  async resolve(context: AgentsContext): Promise<ReadonlyMap<string, AgentEntry>> {
    if (this.fixed !== undefined) return this.fixed;
    const option = this.option as (context: AgentsContext) => AgentsRecord | Promise<AgentsRecord>;
    const agents: unknown = await option(context);
    checkAgentsRecord(agents, "The `agents` function's result");
    return entriesOf(this.builtIn, agents);
  }
}

/** The agent served under `agentId`, or a 400 `unknown_agent` naming the ones there are. */
export function agentNamed(agents: ReadonlyMap<string, AgentEntry>, agentId: string): AgentEntry {
  const agent = agents.get(agentId);
  if (agent === undefined) {
    const available = agents.size > 0 ? [...agents.keys()].join(", ") : "none";
    throw new RequestError("unknown_agent", `Unknown agent ${JSON.stringify(agentId)}. Available agents: ${available}.`);
  }
  return agent;
}
