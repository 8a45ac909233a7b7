import type { CopilotRuntime } from "@copilot-runtime/core";
import { withRequestBodyLimits, type RequestBodyLimits } from "@copilot-runtime/node";
import { ConfigurationError, type ServiceAdapter } from "@copilot-runtime/protocol";
import { Hono, type Context } from "hono";

export interface HonoEndpointOptions extends RequestBodyLimits {
  runtime: CopilotRuntime;
  /** The LLM of the built-in `default` agent; optional when the runtime has `agents`. */
  serviceAdapter?: ServiceAdapter;
  /** The full path the runtime is served at, e.g. "/api/copilotkit". */
  endpoint: string;
}

/** What `@hono/node-server` and other adapters put in `c.env` about the connection. */
function clientAddress(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}

/**
 * A Hono handler: `app.all("/api/copilotkit/*", copilotRuntimeHonoEndpoint({ ... }))` (plus the bare path).
 * A body slower than `bodyTimeoutMs` is answered 408; an answer sent before the body was read to its end
 * (a 413 over `maxBodyBytes`) carries `Connection: close` and is held open while the rest of the body is
 * discarded (`discardMaxBytes`, `discardTimeoutMs`), so that the client can read it.
 */
export function copilotRuntimeHonoEndpoint(options: HonoEndpointOptions): (c: Context) => Promise<Response> {
  if (typeof options?.runtime?.handler !== "function")
    throw new ConfigurationError("copilotRuntimeHonoEndpoint needs a `runtime`: a CopilotRuntime instance.");
  if (typeof options.endpoint !== "string")
    throw new ConfigurationError('copilotRuntimeHonoEndpoint needs an `endpoint`, e.g. "/api/copilotkit".');
  const handler = withRequestBodyLimits(
    options.runtime.handler({ serviceAdapter: options.serviceAdapter, basePath: options.endpoint }),
    options,
  );
  return (c) => {
    const address = clientAddress(c);
    return handler(c.req.raw, address !== undefined ? { clientAddress: address } : undefined);
  };
}

/** A Hono app serving the runtime at `endpoint`, to mount with `app.route("/", ...)` or serve as is. */
export function createCopilotRuntimeHonoApp(options: HonoEndpointOptions): Hono {
  const handle = copilotRuntimeHonoEndpoint(options);
  const base = options.endpoint.replace(/\/+$/, "");
  const app = new Hono();
  app.all(base === "" ? "/" : base, handle);
  app.all(`${base}/*`, handle);
  return app;
}
