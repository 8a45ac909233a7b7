import type { AgentCapabilities, ServiceAdapter } from "@copilot-runtime/protocol";
import type { AgentEntry, AgentRequest, RuntimeAgent } from "./agent.js";
import type { ActionResolver } from "./action-resolver.js";
import { modelParametersFrom } from "./run-input.js";
import { runLoop } from "./run-loop.js";
import { buildToolSet } from "./tool-set.js";

export interface BuiltInAgentOptions {
  adapter: ServiceAdapter;
  actions: ActionResolver;
  maxSteps: number;
  version: string;
}

function capabilitiesOf(options: BuiltInAgentOptions): AgentCapabilities {
  return {
    identity: { name: "default", type: "copilot-runtime", version: options.version, provider: options.adapter.provider },
    transport: { streaming: true },
    tools: { supported: true, parallelCalls: true, clientProvided: true },
    reasoning: { supported: true, streaming: true },
    execution: { maxIterations: options.maxSteps },
    humanInTheLoop: { supported: true },
  };
}

/**
 * The built-in agent: the LLM behind a `ServiceAdapter`, with the runtime's
 * server actions and the app's frontend tools. Created for every run with
 * the actions of that request.
 */
export function builtInAgent(options: BuiltInAgentOptions): AgentEntry {
  return {
    description: "The LLM with the runtime's server actions and the app's frontend tools.",
    className: "CopilotRuntime",
    capabilities: capabilitiesOf(options),
    provider: options.adapter.provider,
    model: options.adapter.model,
    stallSubject: "The LLM",
    async create({ input, properties, url, identity, request }: AgentRequest): Promise<RuntimeAgent> {
      const parameters = modelParametersFrom(properties);
      const actions = await options.actions.resolve({
        properties,
        url,
        ...(request ? { request } : {}),
        ...(identity ? { identity } : {}),
      });
      const toolSet = buildToolSet(actions, input.tools);
      const actionContext = { properties, url, threadId: input.threadId, runId: input.runId, ...(identity ? { identity } : {}) };
      return {
        run: (runInput, context) =>
          runLoop({ input: runInput, adapter: options.adapter, toolSet, parameters, actionContext, maxSteps: options.maxSteps }, context),
      };
    },
  };
}
