import { ConfigurationError, type CopilotRuntimeMiddleware, type Identity } from "@copilot-runtime/protocol";
import { isPreflight, jsonError } from "./json-error.js";

export interface BearerAuthOptions {
  /** Checks a token (e.g. a JWT or a session id); returns the caller, or null/undefined/false to refuse. */
  verify: (token: string, request: Request) => Identity | null | undefined | false | Promise<Identity | null | undefined | false>;
  /** The realm named in `WWW-Authenticate`. Default "copilot-runtime". */
  realm?: string;
  /** Requests that need no token (e.g. `(request) => new URL(request.url).pathname.endsWith("/info")`). */
  skip?: (request: Request) => boolean;
}

/**
 * `Authorization: Bearer <token>` auth. A missing or refused token is answered
 * 401 with `WWW-Authenticate`; a verified caller becomes the request's
 * `identity`, which reaches `properties.identity` and the action handlers.
 */
export function bearerAuth(options: BearerAuthOptions): CopilotRuntimeMiddleware {
  if (typeof options?.verify !== "function") throw new ConfigurationError("bearerAuth needs a verify(token) function.");
  const realm = (options.realm ?? "copilot-runtime").replace(/"/g, "");
  const challenge = (error?: string) => ({ "www-authenticate": `Bearer realm="${realm}"${error ? `, error="${error}"` : ""}` });
  return {
    async onRequest({ request, context }) {
      if (isPreflight(request) || options.skip?.(request)) return;
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
      if (!match) return jsonError(401, "unauthorized", "Missing bearer token: send Authorization: Bearer <token>.", challenge());
      let identity: Identity | null | undefined | false;
      try {
        identity = await options.verify(match[1]!, request);
      } catch (cause) {
        throw new Error("bearerAuth: verify() failed", { cause });
      }
      if (!identity || typeof identity.id !== "string") {
        return jsonError(401, "unauthorized", "The bearer token is invalid or expired.", challenge("invalid_token"));
      }
      context.identity = identity;
    },
  };
}
