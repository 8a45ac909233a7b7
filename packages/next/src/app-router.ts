import type { CopilotRuntime } from "@copilot-runtime/core";
import { withRequestBodyLimits, type RequestBodyLimits } from "@copilot-runtime/node";
import { ConfigurationError, type ServiceAdapter } from "@copilot-runtime/protocol";

/**
 * The request body limits apply to both routers. `bodyTimeoutMs` does; `discardMaxBytes` and
 * `discardTimeoutMs` fully only in the Pages Router, where the handler has Node's request and response:
 * in the App Router, Next.js owns the connection (see the README).
 */
export interface NextEndpointOptions extends RequestBodyLimits {
  runtime: CopilotRuntime;
  /** The LLM of the built-in `default` agent; optional when the runtime has `agents`. */
  serviceAdapter?: ServiceAdapter;
  /** The route's path, e.g. "/api/copilotkit" for `app/api/copilotkit/[[...slug]]/route.ts`. */
  endpoint: string;
}

export type NextRouteHandler = (request: Request) => Promise<Response>;

/**
 * App Router route handlers, for `app/api/copilotkit/[[...slug]]/route.ts`:
 *
 *   const copilotRuntime = new CopilotRuntime({ actions: [] }); // not `runtime`: Next.js reads that export
 *   export const { GET, POST, OPTIONS } = copilotRuntimeNextJSAppRouterEndpoint({
 *     runtime: copilotRuntime,
 *     serviceAdapter: new OpenAIAdapter(),
 *     endpoint: "/api/copilotkit",
 *   });
 *
 * Plain `Request` → `Response`, with no Node-only imports: it runs on the Node.js and the Edge runtime.
 */
export function copilotRuntimeNextJSAppRouterEndpoint(options: NextEndpointOptions): {
  handleRequest: NextRouteHandler;
  GET: NextRouteHandler;
  POST: NextRouteHandler;
  OPTIONS: NextRouteHandler;
} {
  if (typeof options?.runtime?.handler !== "function")
    throw new ConfigurationError("copilotRuntimeNextJSAppRouterEndpoint needs a `runtime`: a CopilotRuntime instance.");
  if (typeof options.endpoint !== "string")
    throw new ConfigurationError('copilotRuntimeNextJSAppRouterEndpoint needs an `endpoint`, e.g. "/api/copilotkit".');
  const handler = withRequestBodyLimits(
    options.runtime.handler({ serviceAdapter: options.serviceAdapter, basePath: options.endpoint }),
    options,
  );
  const handleRequest: NextRouteHandler = (request) => handler(request);
  return { handleRequest, GET: handleRequest, POST: handleRequest, OPTIONS: handleRequest };
}
