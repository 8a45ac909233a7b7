import { ConfigurationError, type MCPActionSource, type MCPActionSourceOptions } from "@copilot-runtime/protocol";

export const MCP_PACKAGE = "@copilot-runtime/mcp";

interface MCPModule {
  mcpActionSource(options: MCPActionSourceOptions): MCPActionSource;
}

/**
 * Loads the MCP bridge on first use. It is a separate package, so that core
 * stays free of it (and of the MCP SDK); the app installs it next to core.
 */
export async function loadMCP(options: MCPActionSourceOptions, specifier: string = MCP_PACKAGE): Promise<MCPActionSource> {
  let module: Partial<MCPModule>;
  try {
    module = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as Partial<MCPModule>;
  } catch (cause) {
    throw new ConfigurationError(`The \`mcpServers\` option needs the ${MCP_PACKAGE} package: npm i ${MCP_PACKAGE}`, { cause });
  }
  if (typeof module.mcpActionSource !== "function") {
    throw new ConfigurationError(`${specifier} does not export mcpActionSource; install a matching version of ${MCP_PACKAGE}.`);
  }
  return module.mcpActionSource(options);
}
