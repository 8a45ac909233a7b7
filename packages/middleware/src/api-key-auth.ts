import { ConfigurationError, type CopilotRuntimeMiddleware, type Identity } from "@copilot-runtime/protocol";
import { isPreflight, jsonError, safeEqual } from "./json-error.js";

export interface ApiKeyAuthOptions {
  /** Accepted keys: a list (the identity id is "key-<n>"), or key → identity. */
  keys?: readonly string[] | Readonly<Record<string, Identity>>;
  /** Or a check of your own; returns the caller, or null/undefined/false to refuse. */
  verify?: (key: string, request: Request) => Identity | null | undefined | false | Promise<Identity | null | undefined | false>;
  /** The header carrying the key. Default "x-api-key". */
  header?: string;
  skip?: (request: Request) => boolean;
}

/** API-key auth: a missing or unknown key is answered 401 with `WWW-Authenticate`; the key's identity becomes the request's. */
export function apiKeyAuth(options: ApiKeyAuthOptions): CopilotRuntimeMiddleware {
  const header = (options?.header ?? "x-api-key").toLowerCase();
  const keys = options?.keys;
  if (keys == null && typeof options?.verify !== "function")
    throw new ConfigurationError("apiKeyAuth needs `keys` or a `verify(key)` function.");
  const entries: [string, Identity][] = Array.isArray(keys)
    ? keys.map((key, index): [string, Identity] => [key, { id: `key-${index + 1}` }])
    : Object.entries((keys ?? {}) as Record<string, Identity>);
  if (entries.length === 0 && typeof options.verify !== "function")
    throw new ConfigurationError("apiKeyAuth: `keys` is empty and there is no verify(key).");
  const challenge = { "www-authenticate": `ApiKey header="${header}"` };

  const lookup = (key: string): Identity | undefined => {
    let found: Identity | undefined;
    for (const [candidate, identity] of entries) if (safeEqual(candidate, key)) found = identity;
    return found;
  };

  return {
    async onRequest({ request, context }) {
      if (isPreflight(request) || options.skip?.(request)) return;
      const key = request.headers.get(header)?.trim();
      if (!key) return jsonError(401, "unauthorized", `Missing API key: send it in the ${header} header.`, challenge);
      const identity = entries.length > 0 ? lookup(key) : await options.verify!(key, request);
      if (!identity) return jsonError(401, "unauthorized", "The API key is not valid.", challenge);
      context.identity = identity;
    },
  };
}
