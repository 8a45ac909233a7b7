import type { CopilotRuntimeMiddleware, OnBeforeRequestOptions } from "@copilot-runtime/protocol";

/**
 * One middleware made of several, run in order with the runtime's own
 * semantics: the first `Response` from `onRequest` wins and a returned
 * `Request` is passed on; `onBeforeRequest` replacements are seen by the next;
 * every `onAfterRequest` runs even if one fails (the first failure is then thrown).
 */
export function compose(...middleware: (CopilotRuntimeMiddleware | undefined | false)[]): CopilotRuntimeMiddleware {
  const list = middleware.filter((item): item is CopilotRuntimeMiddleware => Boolean(item));
  return {
    async onRequest(options) {
      let request = options.request;
      for (const item of list) {
        const result = await item.onRequest?.({ ...options, request });
        if (result instanceof Response) return result;
        if (result instanceof Request) request = result;
      }
      return request === options.request ? undefined : request;
    },
    async onBeforeRequest(options) {
      let current: OnBeforeRequestOptions = options;
      for (const item of list) {
        const result = await item.onBeforeRequest?.({ ...current });
        if (result) {
          current = {
            ...current,
            ...(Array.isArray(result.inputMessages) ? { inputMessages: result.inputMessages } : {}),
            ...(result.properties != null ? { properties: result.properties } : {}),
          };
        }
      }
      return { inputMessages: current.inputMessages, properties: current.properties };
    },
    async onAfterRequest(options) {
      let failure: { error: unknown } | undefined;
      for (const item of list) {
        try {
          await item.onAfterRequest?.(options);
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    },
    async onResponse(options) {
      let response = options.response;
      for (const item of list) {
        const result = await item.onResponse?.({ ...options, response });
        if (result instanceof Response) response = result;
      }
      return response;
    },
    async onError(report) {
      for (const item of list) {
        try {
          await item.onError?.(report);
        } catch {
          // a failing reporter must not hide the others
        }
      }
    },
  };
}
