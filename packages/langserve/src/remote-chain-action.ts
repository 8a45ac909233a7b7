import {
  ConfigurationError,
  ProviderError,
  memoizeUntilRejected,
  type ActionDefinition,
  type ActionSource,
  type LangServeChainConfig,
  type ProviderErrorCode,
} from "@copilot-runtime/protocol";
import { explicitParameters, inferParameters, type ChainParameters } from "./infer-parameters.js";
import { chainBase, errorReason, invokeChain, resolveHeaders, streamChain } from "./langserve-client.js";

function validate(chain: LangServeChainConfig, where: string): void {
  if (chain == null || typeof chain !== "object") {
    throw new ConfigurationError(`${where} must be an object { chainUrl, name, description }.`);
  }
  if (typeof chain.chainUrl !== "string" || !/^https?:\/\//.test(chain.chainUrl)) {
    throw new ConfigurationError(`${where}.chainUrl must be an http(s) URL, got ${JSON.stringify(chain.chainUrl)}.`);
  }
  if (typeof chain.name !== "string" || chain.name === "") throw new ConfigurationError(`${where}.name must be a non-empty string.`);
  if (chain.parameterType !== undefined && chain.parameterType !== "single" && chain.parameterType !== "multi") {
    throw new ConfigurationError(`${where}.parameterType must be "single" or "multi".`);
  }
}

/**
 * A chain's parameters from its `/input_schema`. A server that cannot be
 * reached or answers an error status is unavailable; one that answers with an
 * unusable schema failed. Both are the remote side's problem (502), not the
 * app's configuration, and the next request tries again.
 */
async function loadParameters(chain: LangServeChainConfig): Promise<ChainParameters> {
  const url = `${chainBase(chain.chainUrl)}/input_schema`;
  const failure = (code: ProviderErrorCode, problem: string, cause?: unknown) =>
    new ProviderError(code, `LangServe chain "${chain.name}" ${problem}. It is tried again on the next request.`, {
      provider: "langserve",
      status: 502,
      cause,
    });
  const unavailable = (reason: string, cause?: unknown) =>
    failure("provider_unavailable", `is unavailable: its input schema could not be loaded from ${url} (${reason})`, cause);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json", ...(await resolveHeaders(chain.headers)) } });
  } catch (cause) {
    throw unavailable(errorReason(cause), cause);
  }
  if (!response.ok) throw unavailable(`HTTP ${response.status}`);
  try {
    return inferParameters(await response.json());
  } catch (cause) {
    throw failure("provider_error", `served an unusable input schema at ${url} (${errorReason(cause)})`, cause);
  }
}

/** One remote chain as an action. */
function chainAction(chain: LangServeChainConfig, parameters: ChainParameters): ActionDefinition {
  return {
    name: chain.name,
    description: chain.description,
    parameters: parameters.schema,
    handler: async (args, { signal, traceHeaders }) => {
      const input = parameters.parameterType === "single" ? args[parameters.argument] : args;
      const options = { name: chain.name, headers: { ...traceHeaders, ...(await resolveHeaders(chain.headers)) }, signal };
      return chain.stream === true ? streamChain(chain.chainUrl, input, options) : invokeChain(chain.chainUrl, input, options);
    },
  };
}

/**
 * Remote LangServe chains as server-side actions (what `CopilotRuntime`'s
 * `langserve` option loads). Schemas are fetched on first use and cached;
 * a chain that is down fails the request clearly and is tried again next time.
 * A chain configured wrong is a `ConfigurationError`, thrown right here.
 */
export function langServeActionSource(chains: readonly LangServeChainConfig[]): ActionSource {
  const actions = chains.map((chain, index): (() => Promise<ActionDefinition>) => {
    const where = `langserve[${index}]`;
    validate(chain, where);
    if (chain.parameters !== undefined) {
      const action = chainAction(chain, explicitParameters(chain.parameters, chain.parameterType, where));
      return () => Promise.resolve(action);
    }
    const parameters = memoizeUntilRejected(() => loadParameters(chain));
    return async () => chainAction(chain, await parameters());
  });
  return { resolve: () => Promise.all(actions.map((action) => action())) };
}
