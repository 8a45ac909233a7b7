import type { ModelParameters } from "./service-adapter.js";

/** A provider's names for the model parameters it takes, e.g. `{ maxTokens: "max_tokens" }`. */
export type ParameterNames = { readonly [P in keyof ModelParameters]?: string };

/** The model parameters under a provider's names. */
export type ProviderParameters<Names extends ParameterNames> = {
  -readonly [P in keyof Names & keyof ModelParameters as Names[P] & string]?: ModelParameters[P];
};

/**
 * The request's model parameters under a provider's names. What the request
 * left out is left out, `0` is a value and kept, an empty `stop` list is
 * dropped, and a parameter the provider has no name for is not sent.
 */
export function providerParameters<const Names extends ParameterNames>(
  parameters: ModelParameters,
  names: Names,
): ProviderParameters<Names> {
  const out: Record<string, number | string[]> = {};
  for (const key of Object.keys(names) as (keyof ModelParameters)[]) {
    const name = names[key];
    const value = parameters[key];
    if (name === undefined || value == null || (Array.isArray(value) && value.length === 0)) continue;
    out[name] = value;
  }
  return out as ProviderParameters<Names>;
}
