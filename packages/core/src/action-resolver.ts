import {
  ConfigurationError,
  memoizeUntilRejected,
  normalizeAction,
  type ActionDefinition,
  type ActionSource,
  type Identity,
  type LangServeChainConfig,
  type MCPActionSource,
  type MCPActionSourceOptions,
  type NormalizedAction,
} from "@copilot-runtime/protocol";
import { loadLangServe } from "./langserve-loader.js";
import { loadMCP } from "./mcp-loader.js";

export interface ActionsContext {
  properties: Record<string, unknown>;
  url: string | undefined;
}

/** What the actions of a request are resolved from: the `actions` function's context, and for MCP servers more. */
export interface ResolveContext extends ActionsContext {
  /** The incoming HTTP request, when there is one (not for `process()`). */
  request?: Request;
  /** The verified caller, when an auth middleware set one. */
  identity?: Identity;
}

export type ActionsFunction = (context: ActionsContext) => readonly ActionDefinition[] | Promise<readonly ActionDefinition[]>;

/**
 * The server actions of a request, from every source: the static `actions`,
 * the per-request `actions` function, and LangServe chains (loaded on demand
 * from `@copilot-runtime/langserve`), and the tools of MCP servers (loaded on
 * demand from `@copilot-runtime/mcp`). Names are unique across sources: the
 * app's actions and chains must not clash (a `ConfigurationError`); an MCP tool
 * that would clash gets its server's prefix.
 */
export class ActionResolver {
  private readonly staticActions: NormalizedAction[] | undefined;
  /** The LangServe bridge, loaded on first use (and again after a failed load). */
  private readonly langserve: () => Promise<ActionSource>;
  /** The MCP bridge, loaded on first use when MCP servers are configured. */
  private readonly mcp: (() => Promise<MCPActionSource>) | undefined;
  private mcpLoading: Promise<MCPActionSource> | undefined;

  constructor(
    private readonly actions: readonly ActionDefinition[] | ActionsFunction | undefined,
    private readonly chains: readonly LangServeChainConfig[] | undefined,
    mcp?: MCPActionSourceOptions,
  ) {
    if (actions != null && typeof actions !== "function" && !Array.isArray(actions)) {
      throw new ConfigurationError("`actions` must be an array of actions or a function returning one.");
    }
    if (chains != null && !Array.isArray(chains)) {
      throw new ConfigurationError("`langserve` must be an array of { chainUrl, name, description } chains.");
    }
    this.staticActions = typeof actions === "function" ? undefined : normalizeActions(actions ?? []);
    this.langserve = memoizeUntilRejected(() => loadLangServe(chains ?? []));
    this.mcp = mcpSourceLoader(mcp);
  }

  async resolve(context: ResolveContext): Promise<NormalizedAction[]> {
    let actions = this.staticActions;
    if (actions === undefined) {
      const defined = await (this.actions as ActionsFunction)({ properties: context.properties, url: context.url });
      if (!Array.isArray(defined)) throw new ConfigurationError("The `actions` function must return an array of actions.");
      actions = normalizeActions(defined);
    }
    if (this.chains != null && this.chains.length > 0) {
      const chains = await this.loadChains();
      actions = uniqueNames([
        ...actions,
        ...chains.map((definition): NormalizedAction => ({ ...normalizeAction(definition), source: "langserve" })),
      ]);
    }
    if (this.mcp === undefined) return actions;
    this.mcpLoading = this.mcp();
    const tools = await (
      await this.mcpLoading
    ).resolve({
      request: context.request,
      properties: context.properties,
      url: context.url,
      ...(context.identity ? { identity: context.identity } : {}),
      reservedNames: new Set(actions.map((action) => action.name)),
    });
    return [...actions, ...tools.map((definition): NormalizedAction => ({ ...normalizeAction(definition), source: "mcp" }))];
  }

  /** Closes the MCP connections, if any were made. */
  async close(): Promise<void> {
    const source = await this.mcpLoading?.catch(() => undefined);
    await source?.close();
  }

  private async loadChains(): Promise<ActionDefinition[]> {
    return (await this.langserve()).resolve();
  }
}

function mcpSourceLoader(options: MCPActionSourceOptions | undefined): (() => Promise<MCPActionSource>) | undefined {
  if (options === undefined) return undefined;
  const { servers, createMCPClient } = options;
  if (typeof servers !== "function" && !Array.isArray(servers)) {
    throw new ConfigurationError("`mcpServers` must be an array of { endpoint } servers or a function of the request returning one.");
  }
  if (createMCPClient != null && typeof createMCPClient !== "function") {
    throw new ConfigurationError("`createMCPClient` must be a function returning an MCP client.");
  }
  if (Array.isArray(servers) && servers.length === 0) return undefined;
  return memoizeUntilRejected(() => loadMCP(options));
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
