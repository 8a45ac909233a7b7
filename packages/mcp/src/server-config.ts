import {
  ConfigurationError,
  isPlainObject,
  type MCPEndpointConfig,
  type MCPServerConfig,
  type MCPStdioServerConfig,
} from "@copilot-runtime/protocol";

export function isStdioServer(config: MCPServerConfig): config is MCPStdioServerConfig {
  return "command" in config && !("endpoint" in config);
}

function checkStrings(value: unknown, where: string): void {
  if (value === undefined) return;
  if (!isPlainObject(value) || Object.values(value).some((item) => typeof item !== "string")) {
    throw new ConfigurationError(`${where} must be an object of strings.`);
  }
}

/**
 * Checks one configured server; a mistake is a `ConfigurationError` naming it (`mcpServers[1].endpoint ...`).
 * Stdio servers are allowed only where `allowStdio` (the list configured in code, not the per-request function).
 */
export function checkServerConfig(config: unknown, where: string, allowStdio: boolean): asserts config is MCPServerConfig {
  if (!isPlainObject(config)) throw new ConfigurationError(`${where} must be an object { endpoint, apiKey?, headers? }.`);
  if (config.name !== undefined && (typeof config.name !== "string" || !/^[A-Za-z0-9_-]{1,32}$/.test(config.name))) {
    throw new ConfigurationError(`${where}.name must be 1-32 letters, digits, "_" or "-".`);
  }
  if ("command" in config && !("endpoint" in config)) {
    if (!allowStdio) {
      throw new ConfigurationError(
        `${where}: a stdio server ({ command }) can only be configured in the mcpServers array, not returned per request.`,
      );
    }
    if (typeof config.command !== "string" || config.command === "")
      throw new ConfigurationError(`${where}.command must be a non-empty string.`);
    if (config.args !== undefined && (!Array.isArray(config.args) || config.args.some((arg) => typeof arg !== "string"))) {
      throw new ConfigurationError(`${where}.args must be an array of strings.`);
    }
    checkStrings(config.env, `${where}.env`);
    if (config.cwd !== undefined && typeof config.cwd !== "string") throw new ConfigurationError(`${where}.cwd must be a string.`);
    return;
  }
  if (typeof config.endpoint !== "string" || !/^https?:\/\//i.test(config.endpoint) || !URL.canParse(config.endpoint)) {
    throw new ConfigurationError(`${where}.endpoint must be an http(s) URL, got ${JSON.stringify(config.endpoint)}.`);
  }
  if (config.apiKey !== undefined && typeof config.apiKey !== "string") throw new ConfigurationError(`${where}.apiKey must be a string.`);
  checkStrings(config.headers, `${where}.headers`);
}

/** A server's name: its `name`, else its endpoint's host (`mcp_example_com`) or its command's file name. */
export function serverName(config: MCPServerConfig): string {
  if (config.name !== undefined) return config.name;
  const raw = isStdioServer(config) ? (config.command.split(/[\\/]/).pop() ?? config.command) : new URL(config.endpoint).host;
  return (
    raw
      .replace(/[^A-Za-z0-9_-]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 32) || "mcp"
  );
}

/** The headers sent to an HTTP server: `Authorization: Bearer <apiKey>` (unless `headers` has its own), then `headers`. */
export function requestHeaders(config: MCPEndpointConfig): Record<string, string> {
  const headers = config.headers ?? {};
  const ownAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === "authorization");
  return { ...(config.apiKey !== undefined && !ownAuthorization ? { authorization: `Bearer ${config.apiKey}` } : {}), ...headers };
}

/**
 * Every configured value that must never reach a log, an event or an error: the key, the header values, and what
 * the endpoint's URL may carry (a password, query parameters such as `?token=`).
 */
export function secretsOf(config: MCPServerConfig): string[] {
  if (isStdioServer(config)) return Object.values(config.env ?? {});
  const url = new URL(config.endpoint);
  return [
    ...(config.apiKey !== undefined ? [config.apiKey] : []),
    ...Object.values(config.headers ?? {}),
    ...(url.password ? [url.password, decodeURIComponent(url.password)] : []),
    ...url.searchParams.values(),
  ];
}

/** One connection per distinct server configuration (endpoint, key and headers). */
export function connectionKey(config: MCPServerConfig): string {
  if (isStdioServer(config)) return JSON.stringify(["stdio", config.command, config.args ?? [], config.env ?? {}, config.cwd ?? ""]);
  const headers = Object.entries(requestHeaders(config))
    .map(([name, value]) => [name.toLowerCase(), value])
    .toSorted(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  return JSON.stringify(["http", config.endpoint, config.name ?? "", headers]);
}

/**
 * Whether an endpoint's host is in `allowedHosts`: `"mcp.example.com"` (any port), `"mcp.example.com:8443"`,
 * `"*.example.com"` (subdomains, not example.com itself).
 */
export function hostAllowed(endpoint: string, allowedHosts: readonly string[]): boolean {
  const url = new URL(endpoint);
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  return allowedHosts.some((entry) => {
    const pattern = entry.toLowerCase();
    if (pattern.startsWith("*.")) return hostname.endsWith(pattern.slice(1));
    return pattern.includes(":") && !pattern.startsWith("[") ? pattern === host : pattern === hostname || pattern === host;
  });
}
