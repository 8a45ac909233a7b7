import type {
  CopilotRuntimeMiddleware,
  ErrorReport,
  OnAfterRequestOptions,
  OnBeforeRequestOptions,
  OnBeforeRequestResult,
  OnRequestOptions,
  OnResponseOptions,
} from "./middleware.js";

/** A hook whose failure does not stop the others. */
export type TolerantHook = "onAfterRequest" | "onResponse";

export interface ComposeMiddlewareOptions {
  /**
   * Hears of a failing `onAfterRequest` or `onResponse`; the other middleware
   * still run (and `onResponse` goes on with the response so far). Without it,
   * every `onAfterRequest` still runs and the first failure is thrown at the
   * end; a failing `onResponse` is thrown at once.
   */
  onHookError?: (error: unknown, hook: TolerantHook, options: OnAfterRequestOptions | OnResponseOptions) => void;
}

/** A middleware made of several; every hook is always present. */
export interface ComposedMiddleware extends CopilotRuntimeMiddleware {
  /** A `Response` answers the request; a `Request` replaces it; `undefined` leaves it as it was. */
  onRequest(options: OnRequestOptions): Promise<Request | Response | undefined>;
  onBeforeRequest(options: OnBeforeRequestOptions): Promise<OnBeforeRequestResult>;
  onAfterRequest(options: OnAfterRequestOptions): Promise<void>;
  onResponse(options: OnResponseOptions): Promise<Response>;
  onError(report: ErrorReport): Promise<void>;
}

/**
 * The one composition of middleware, used by the runtime for its
 * `middleware` array and offered to apps as `compose` (`@copilot-runtime/middleware`).
 * Hooks run in array order: the first `Response` from `onRequest` answers and
 * a returned `Request` replaces the request for the rest; each
 * `onBeforeRequest` sees the replacements of the ones before it; every
 * `onAfterRequest` runs even when one fails; `onError` tells every reporter
 * and ignores reporters that fail.
 */
export function composeMiddleware(
  middleware: readonly (CopilotRuntimeMiddleware | undefined | null | false)[],
  options: ComposeMiddlewareOptions = {},
): ComposedMiddleware {
  const list = middleware.filter((item): item is CopilotRuntimeMiddleware => item != null && item !== false);
  const { onHookError } = options;
  return {
    async onRequest(hook: OnRequestOptions) {
      let request = hook.request;
      for (const item of list) {
        if (!item.onRequest) continue;
        const result = await item.onRequest({ ...hook, request });
        if (result instanceof Response) return result;
        if (result instanceof Request) request = result;
      }
      return request === hook.request ? undefined : request;
    },
    async onBeforeRequest(hook: OnBeforeRequestOptions): Promise<OnBeforeRequestResult> {
      let current = hook;
      for (const item of list) {
        if (!item.onBeforeRequest) continue;
        const result = await item.onBeforeRequest({ ...current });
        if (!result) continue;
        current = {
          ...current,
          ...(Array.isArray(result.inputMessages) ? { inputMessages: result.inputMessages } : {}),
          ...(result.properties != null ? { properties: result.properties } : {}),
        };
      }
      return { inputMessages: current.inputMessages, properties: current.properties };
    },
    async onAfterRequest(hook: OnAfterRequestOptions) {
      let failure: { error: unknown } | undefined;
      for (const item of list) {
        if (!item.onAfterRequest) continue;
        try {
          await item.onAfterRequest(hook);
        } catch (error) {
          if (onHookError) onHookError(error, "onAfterRequest", hook);
          else failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    },
    async onResponse(hook: OnResponseOptions) {
      let response = hook.response;
      for (const item of list) {
        if (!item.onResponse) continue;
        try {
          const result = await item.onResponse({ ...hook, response });
          if (result instanceof Response) response = result;
        } catch (error) {
          if (!onHookError) throw error;
          onHookError(error, "onResponse", { ...hook, response });
        }
      }
      return response;
    },
    async onError(report: ErrorReport) {
      for (const item of list) {
        if (!item.onError) continue;
        try {
          await item.onError(report);
        } catch {
          // a failing reporter must not hide the others
        }
      }
    },
  };
}
