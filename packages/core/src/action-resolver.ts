import {
  ConfigurationError,
  memoizeUntilRejected,
  normalizeAction,
  type ActionDefinition,
  type ActionSource,
  type LangServeChainConfig,
  type NormalizedAction,
} from "@copilot-runtime/protocol";
import { loadLangServe } from "./langserve-loader.js";

export interface ActionsContext {
  properties: Record<string, unknown>;
  url: string | undefined;
}

export type ActionsFunction = (context: ActionsContext) => readonly ActionDefinition[] | Promise<readonly ActionDefinition[]>;

/**
 * The server actions of a request, from every source: the static `actions`,
 * the per-request `actions` function, and LangServe chains (loaded on demand
 * from `@copilot-runtime/langserve`). Names are unique across sources.
 */
export class ActionResolver {
  private readonly staticActions: NormalizedAction[] | undefined;
  /** The LangServe bridge, loaded on first use (and again after a failed load). */
  private readonly langserve: () => Promise<ActionSource>;

  constructor(
    private readonly actions: readonly ActionDefinition[] | ActionsFunction | undefined,
    private readonly chains: readonly LangServeChainConfig[] | undefined,
  ) {
    if (actions != null && typeof actions !== "function" && !Array.isArray(actions)) {
      throw new ConfigurationError("`actions` must be an array of actions or a function returning one.");
    }
    if (chains != null && !Array.isArray(chains)) {
      throw new ConfigurationError("`langserve` must be an array of { chainUrl, name, description } chains.");
    }
    this.staticActions = typeof actions === "function" ? undefined : normalizeActions(actions ?? []);
    this.langserve = memoizeUntilRejected(() => loadLangServe(chains ?? []));
  }

  async resolve(context: ActionsContext): Promise<NormalizedAction[]> {
    let actions = this.staticActions;
    if (actions === undefined) {
      const defined = await (this.actions as ActionsFunction)(context);
      if (!Array.isArray(defined)) throw new ConfigurationError("The `actions` function must return an array of actions.");
      actions = normalizeActions(defined);
    }
    if (this.chains == null || this.chains.length === 0) return actions;
    const chains = await this.loadChains();
    return uniqueNames([
      ...actions,
      ...chains.map((definition): NormalizedAction => ({ ...normalizeAction(definition), source: "langserve" })),
    ]);
  }

  private async loadChains(): Promise<ActionDefinition[]> {
    return (await this.langserve()).resolve();
  }
}

function normalizeActions(definitions: readonly ActionDefinition[]): NormalizedAction[] {
  return uniqueNames(definitions.map((definition) => normalizeAction(definition)));
}

function uniqueNames(actions: NormalizedAction[]): NormalizedAction[] {
  const seen = new Set<string>();
  for (const action of actions) {
    if (seen.has(action.name)) throw new ConfigurationError(`Two actions are named "${action.name}"; action names must be unique.`);
    seen.add(action.name);
  }
  return actions;
}
