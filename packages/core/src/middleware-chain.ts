import {
  CopilotRuntimeError,
  composeMiddleware,
  type ComposedMiddleware,
  type CopilotRuntimeMiddleware,
  type ErrorReport,
  type OnAfterRequestOptions,
  type OnBeforeRequestOptions,
  type OnRequestOptions,
  type OnResponseOptions,
} from "@copilot-runtime/protocol";

/**
 * The runtime's middleware: one composition of the `middleware` option, plus
 * the runtime's rules around it. Hooks that must not break a response
 * (`onAfterRequest`, `onResponse`, `onError`) never throw; their failures go to `onError`.
 */
export class MiddlewareChain {
  private readonly composed: ComposedMiddleware;

  constructor(
    middleware: CopilotRuntimeMiddleware | readonly CopilotRuntimeMiddleware[] | undefined,
    private readonly runtimeOnError?: (report: ErrorReport) => void,
  ) {
    const list = middleware == null ? [] : Array.isArray(middleware) ? middleware : [middleware as CopilotRuntimeMiddleware];
    this.composed = composeMiddleware(list, {
      onHookError: (error, _hook, { request, context, ...rest }) => {
        const run = "threadId" in rest ? { threadId: rest.threadId, runId: rest.runId } : {};
        this.error({ error, source: "middleware", ...run, ...(request ? { request } : {}), ...(context ? { context } : {}) });
      },
    });
  }

  /** The first `Response` a middleware returns wins; a returned `Request` replaces the request for the rest. */
  async request(options: OnRequestOptions): Promise<Request | Response> {
    return (await this.composed.onRequest(options)) ?? options.request;
  }

  async response(options: OnResponseOptions): Promise<Response> {
    return this.composed.onResponse(options);
  }

  /** Runs every `onBeforeRequest`; each sees the replacements of the ones before it. Throws a `CopilotRuntimeError` to reject. */
  async beforeRun(options: OnBeforeRequestOptions): Promise<OnBeforeRequestOptions> {
    try {
      return { ...options, ...(await this.composed.onBeforeRequest(options)) };
    } catch (error) {
      const { threadId, runId, request, context } = options;
      this.error({ error, source: "middleware", threadId, runId, request, context });
      if (error instanceof CopilotRuntimeError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new CopilotRuntimeError("middleware_error", `The request was rejected by onBeforeRequest: ${detail}`, {
        status: 500,
        cause: error,
      });
    }
  }

  /** Runs every `onAfterRequest` in order, never throwing: failures go to `onError`. */
  async afterRun(options: OnAfterRequestOptions): Promise<void> {
    await this.composed.onAfterRequest(options);
  }

  /** Reports an error to the runtime's `onError` and every middleware's; reporters that fail are ignored. */
  error(report: ErrorReport): void {
    try {
      void Promise.resolve(this.runtimeOnError?.(report)).catch(() => undefined);
    } catch {
      // a failing reporter must not break the request
    }
    void this.composed.onError(report);
  }
}
