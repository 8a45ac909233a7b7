export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_RECONNECT_DELAY_MS,
  DEFAULT_RECONNECT_DELAY_MS,
  DEFAULT_TOOL_TIMEOUT_MS,
  mcpActionSource,
} from "./mcp-action-source.js";
export { MCPServerError } from "./mcp-server-error.js";
export { providerToolName } from "./tool-names.js";
export type {
  CreateMCPClientFunction,
  MCPActionSource,
  MCPActionSourceOptions,
  MCPClient,
  MCPEndpointConfig,
  MCPOptions,
  MCPServerConfig,
  MCPServersContext,
  MCPServersOption,
  MCPStdioServerConfig,
  MCPTool,
  MCPToolProgress,
} from "@copilot-runtime/protocol";
