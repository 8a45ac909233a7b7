import { CopilotRuntimeError } from "@copilot-runtime/protocol";
import type {
  CopilotRuntimeMiddleware,
  ErrorReport,
  OnAfterRequestOptions,
  OnBeforeRequestOptions,
  OnRequestOptions,
  OnResponseOptions,
} from "@copilot-runtime/protocol";

/** Runs a list of middleware, hook by hook, in order. */
export class MiddlewareChain {
  private readonly list: readonly CopilotRuntimeMiddleware[];

  constructor(
    middleware: CopilotRuntimeMiddleware | readonly CopilotRuntimeMiddleware[] | undefined,
    private readonly runtimeOnError?: (report: ErrorReport) => void,
  ) {
    this.list = middleware == null ? [] : Array.isArray(middleware) ? middleware : [middleware as CopilotRuntimeMiddleware];
  }

  /** The first `Response` a middleware returns wins; a returned `Request` replaces the request for the rest. */
  async request(options: OnRequestOptions): Promise<Request | Response> {
    let request = options.request;
    for (const middleware of this.list) {
      if (!middleware.onRequest) continue;
      const result = await middleware.onRequest({ ...options, request });
      if (result instanceof Response) return result;
      if (result instanceof Request) request = result;
    }
    return request;
  }

  async response(options: OnResponseOptions): Promise<Response> {
    let response = options.response;
    for (const middleware of this.list) {
      if (!middleware.onResponse) continue;
      try {
        const result = await middleware.onResponse({ ...options, response });
        if (result instanceof Response) response = result;
      } catch (error) {
        this.error({ error, source: "middleware", request: options.request, context: options.context });
      }
    }
    return response;
  }

  /** Runs every `onBeforeRequest`; each sees the replacements of the ones before it. Throws a `CopilotRuntimeError` to reject. */
  async beforeRun(options: OnBeforeRequestOptions): Promise<OnBeforeRequestOptions> {
    let current = options;
    for (const middleware of this.list) {
      if (!middleware.onBeforeRequest) continue;
      try {
        const result = await middleware.onBeforeRequest({ ...current });
        if (result) {
          current = {
            ...current,
            ...(Array.isArray(result.inputMessages) ? { inputMessages: result.inputMessages } : {}),
            ...(result.properties != null ? { properties: result.properties } : {}),
          };
        }
      } catch (error) {
        this.error({
          error,
          source: "middleware",
          threadId: options.threadId,
          runId: options.runId,
          request: options.request,
          context: options.context,
        });
        if (error instanceof CopilotRuntimeError) throw error;
        const detail = error instanceof Error ? error.message : String(error);
        throw new CopilotRuntimeError("middleware_error", `The request was rejected by onBeforeRequest: ${detail}`, {
          status: 500,
          cause: error,
        });
      }
    }
    return current;
  }

  /** Runs every `onAfterRequest` in order, never throwing: failures go to `onError`. */
  async afterRun(options: OnAfterRequestOptions): Promise<void> {
    for (const middleware of this.list) {
      if (!middleware.onAfterRequest) continue;
      try {
        await middleware.onAfterRequest(options);
      } catch (error) {
        this.error({
          error,
          source: "middleware",
          threadId: options.threadId,
          runId: options.runId,
          request: options.request,
          context: options.context,
        });
      }
    }
  }

  /** Reports an error to the runtime's `onError` and every middleware's; reporters that fail are ignored. */
  error(report: ErrorReport): void {
    const reporters = [this.runtimeOnError, ...this.list.map((middleware) => middleware.onError?.bind(middleware))];
    for (const reporter of reporters) {
      if (!reporter) continue;
      try {
        void Promise.resolve(reporter(report)).catch(() => undefined);
      } catch {
        // a failing reporter must not break the request
      }
    }
  }
}
