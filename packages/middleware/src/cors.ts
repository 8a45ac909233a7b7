import { ConfigurationError, type CopilotRuntimeMiddleware } from "@copilot-runtime/protocol";
import { withHeaders } from "./with-headers.js";

export type CorsOrigin = "*" | string | readonly string[] | RegExp | ((origin: string) => boolean);

export interface CorsOptions {
  /** Allowed origins: "*", one origin, a list, a pattern or a predicate. */
  origin: CorsOrigin;
  /** Allow cookies / Authorization from the browser. Never combined with an arbitrary origin. */
  credentials?: boolean;
  /** Default: GET, POST, OPTIONS. */
  allowMethods?: readonly string[];
  /** Default: the headers the preflight asks for. */
  allowHeaders?: readonly string[];
  exposeHeaders?: readonly string[];
  /** Preflight cache, in seconds. Default 600. */
  maxAge?: number;
}

function matcher(origin: CorsOrigin): (candidate: string) => boolean {
  if (origin === "*") return () => true;
  if (typeof origin === "string") return (candidate) => candidate === origin;
  if (Array.isArray(origin)) return (candidate) => origin.includes(candidate);
  if (origin instanceof RegExp) return (candidate) => origin.test(candidate);
  return origin as (candidate: string) => boolean;
}

/**
 * CORS for browser frontends on another origin. Answers preflights itself and
 * adds `Access-Control-*` headers to every response. With `credentials: true`
 * the origin must be listed (no "*"), and only an allowed request origin is
 * echoed back: an arbitrary origin is never reflected.
 */
export function cors(options: CorsOptions): CopilotRuntimeMiddleware {
  if (options?.origin == null) throw new ConfigurationError('cors needs an `origin`, e.g. "https://app.example.com".');
  if (options.credentials === true && options.origin === "*") {
    throw new ConfigurationError('cors: `credentials: true` needs explicit origins; "*" would let any site call the runtime as the user.');
  }
  const allowedOrigin: unknown = options.origin;
  const valid =
    typeof allowedOrigin === "string" ||
    Array.isArray(allowedOrigin) ||
    allowedOrigin instanceof RegExp ||
    typeof allowedOrigin === "function";
  if (!valid) throw new ConfigurationError('cors: `origin` must be "*", an origin, a list of origins, a RegExp or a function.');
  const allowed = matcher(options.origin);
  const wildcard = options.origin === "*" && options.credentials !== true;
  const methods = (options.allowMethods ?? ["GET", "POST", "OPTIONS"]).join(", ");
  const maxAge = String(options.maxAge ?? 600);

  const originHeaders = (origin: string | null): Record<string, string> | undefined => {
    if (wildcard) return { "access-control-allow-origin": "*" };
    if (origin === null || origin === "null" || !allowed(origin)) return undefined;
    return {
      "access-control-allow-origin": origin,
      vary: "Origin",
      ...(options.credentials === true ? { "access-control-allow-credentials": "true" } : {}),
    };
  };

  return {
    onRequest({ request }) {
      if (request.method !== "OPTIONS" || !request.headers.has("access-control-request-method")) return;
      const headers = originHeaders(request.headers.get("origin"));
      if (!headers) return new Response(null, { status: 403, headers: { vary: "Origin" } });
      return new Response(null, {
        status: 204,
        headers: {
          ...headers,
          "access-control-allow-methods": methods,
          "access-control-allow-headers":
            options.allowHeaders?.join(", ") ?? request.headers.get("access-control-request-headers") ?? "content-type",
          "access-control-max-age": maxAge,
          ...(wildcard ? {} : { vary: "Origin, Access-Control-Request-Headers" }),
        },
      });
    },
    onResponse({ request, response }) {
      if (response.headers.has("access-control-allow-origin")) return;
      const headers = originHeaders(request.headers.get("origin"));
      if (!headers) return;
      return withHeaders(response, {
        ...headers,
        ...(options.exposeHeaders?.length ? { "access-control-expose-headers": options.exposeHeaders.join(", ") } : {}),
      });
    },
  };
}
