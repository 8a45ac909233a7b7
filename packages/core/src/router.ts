export type Route =
  | { kind: "info" }
  | { kind: "run"; agentId: string }
  | { kind: "connect"; agentId: string }
  | { kind: "stop"; agentId: string; threadId: string }
  | { kind: "envelope" }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "not_found" };

/** "/api/copilotkit/" → "/api/copilotkit"; "" or "/" → undefined (match by suffix). */
export function normalizeBasePath(basePath: string | undefined): string | undefined {
  if (basePath == null) return undefined;
  let base = basePath.trim();
  if (!base.startsWith("/")) base = `/${base}`;
  base = base.replace(/\/+$/, "");
  return base === "" ? undefined : base;
}

const PATTERNS: { pattern: RegExp; method: string; route: (match: RegExpExecArray) => Route }[] = [
  { pattern: /\/info$/, method: "GET", route: () => ({ kind: "info" }) },
  { pattern: /\/agent\/([^/]+)\/run$/, method: "POST", route: (m) => ({ kind: "run", agentId: decode(m[1]) }) },
  { pattern: /\/agent\/([^/]+)\/connect$/, method: "POST", route: (m) => ({ kind: "connect", agentId: decode(m[1]) }) },
  {
    pattern: /\/agent\/([^/]+)\/stop\/([^/]+)$/,
    method: "POST",
    route: (m) => ({ kind: "stop", agentId: decode(m[1]), threadId: decode(m[2]) }),
  },
];

function decode(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    return segment ?? "";
  }
}

/**
 * Matches a request to a route. With a base path, the path must be under it
 * and the rest is matched exactly; without one, routes match as suffixes and
 * any other POST is taken as a single-route envelope. Trailing slashes are ignored.
 */
export function matchRoute(request: Request, basePath: string | undefined): Route {
  let path = new URL(request.url).pathname.replace(/\/+$/, "");
  const method = request.method.toUpperCase();
  if (basePath !== undefined) {
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return { kind: "not_found" };
    path = path.slice(basePath.length);
  }
  for (const { pattern, method: allowed, route } of PATTERNS) {
    const match = pattern.exec(path);
    if (match === null || (basePath !== undefined && match.index !== 0)) continue;
    const allow = allowed === "GET" ? ["GET", "HEAD", "POST"] : [allowed];
    if (!allow.includes(method)) return { kind: "method_not_allowed", allow };
    return route(match);
  }
  if (basePath !== undefined && path !== "") return { kind: "not_found" };
  if (method === "POST") return { kind: "envelope" };
  if (method === "GET" && basePath !== undefined) return { kind: "info" };
  return { kind: "method_not_allowed", allow: ["POST"] };
}
