import {
  ConfigurationError,
  ProviderError,
  type ActionDefinition,
  type ActionSource,
  type LangServeChainConfig,
} from "@copilot-runtime/protocol";
import { explicitParameters, inferParameters, type ChainParameters } from "./infer-parameters.js";
import { chainBase, invokeChain, resolveHeaders, streamChain } from "./langserve-client.js";

function validate(chain: LangServeChainConfig, index: number): void {
  const where = `langserve[${index}]`;
  if (chain == null || typeof chain !== "object")
    throw new ConfigurationError(`${where} must be an object { chainUrl, name, description }.`);
  if (typeof chain.chainUrl !== "string" || !/^https?:\/\//.test(chain.chainUrl)) {
    throw new ConfigurationError(`${where}.chainUrl must be an http(s) URL, got ${JSON.stringify(chain.chainUrl)}.`);
  }
  if (typeof chain.name !== "string" || chain.name === "") throw new ConfigurationError(`${where}.name must be a non-empty string.`);
  if (chain.parameterType !== undefined && chain.parameterType !== "single" && chain.parameterType !== "multi") {
    throw new ConfigurationError(`${where}.parameterType must be "single" or "multi".`);
  }
}

/** One remote chain as an action; its parameters are inferred once, lazily, and retried after a failure. */
export class RemoteChainAction {
  private parameters: Promise<ChainParameters> | undefined;

  constructor(private readonly chain: LangServeChainConfig) {
    if (chain.parameters !== undefined) this.parameters = Promise.resolve(explicitParameters(chain.parameters, chain.parameterType));
  }

  private async infer(): Promise<ChainParameters> {
    const url = `${chainBase(this.chain.chainUrl)}/input_schema`;
    let reason: string;
    try {
      const response = await fetch(url, { headers: { accept: "application/json", ...(await resolveHeaders(this.chain.headers)) } });
      if (response.ok) return inferParameters(await response.json());
      reason = `HTTP ${response.status}`;
    } catch (cause) {
      reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    }
    throw new ProviderError(
      "provider_unavailable",
      `LangServe chain "${this.chain.name}" is unavailable: its input schema could not be loaded from ${url} (${reason}). It is tried again on the next request.`,
      { provider: "langserve", status: 502 },
    );
  }

  async action(): Promise<ActionDefinition> {
    this.parameters ??= this.infer();
    let parameters: ChainParameters;
    try {
      parameters = await this.parameters;
    } catch (error) {
      this.parameters = undefined;
      throw error;
    }
    const chain = this.chain;
    return {
      name: chain.name,
      description: chain.description,
      parameters: parameters.schema,
      handler: async (args, { signal }) => {
        const input = parameters.parameterType === "single" ? args[parameters.argument] : args;
        const options = { name: chain.name, headers: await resolveHeaders(chain.headers), signal };
        return chain.stream === true ? streamChain(chain.chainUrl, input, options) : invokeChain(chain.chainUrl, input, options);
      },
    };
  }
}

/**
 * Remote LangServe chains as server-side actions (what `CopilotRuntime`'s
 * `langserve` option loads). Schemas are fetched on first use and cached;
 * a chain that is down fails the request clearly and is tried again next time.
 */
export function langServeActionSource(chains: readonly LangServeChainConfig[]): ActionSource {
  chains.forEach(validate);
  const actions = chains.map((chain) => new RemoteChainAction(chain));
  return { resolve: () => Promise.all(actions.map((action) => action.action())) };
}
