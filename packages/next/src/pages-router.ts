import type { IncomingMessage, ServerResponse } from "node:http";
import { copilotRuntimeNodeHttpEndpoint } from "@copilot-runtime/node";
import { ConfigurationError } from "@copilot-runtime/protocol";
import type { NextEndpointOptions } from "./app-router.js";

/**
 * A Pages Router API route, for `pages/api/copilotkit/[[...slug]].ts`:
 *
 *   export const config = { api: { bodyParser: false } };
 *   export default copilotRuntimeNextJSPagesRouterEndpoint({ runtime: copilotRuntime, serviceAdapter, endpoint: "/api/copilotkit" });
 *
 * Turn Next's body parser off so the body streams to the runtime (a parsed body is used too, if it is left on).
 */
export function copilotRuntimeNextJSPagesRouterEndpoint(
  options: NextEndpointOptions,
): (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => Promise<void> {
  if (typeof options?.runtime?.handler !== "function")
    throw new ConfigurationError("copilotRuntimeNextJSPagesRouterEndpoint needs a `runtime`: a CopilotRuntime instance.");
  if (typeof options.endpoint !== "string")
    throw new ConfigurationError('copilotRuntimeNextJSPagesRouterEndpoint needs an `endpoint`, e.g. "/api/copilotkit".');
  return copilotRuntimeNodeHttpEndpoint(options);
}

/** The Pages Router config to export next to the handler. */
export const pagesRouterConfig = { api: { bodyParser: false } } as const;
