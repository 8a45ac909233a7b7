import { composeMiddleware, type CopilotRuntimeMiddleware } from "@copilot-runtime/protocol";

/**
 * One middleware made of several, run in order with the runtime's own
 * semantics (it is the same composition the runtime applies to its
 * `middleware` array): the first `Response` from `onRequest` wins and a
 * returned `Request` is passed on; `onBeforeRequest` replacements are seen by
 * the next; every `onAfterRequest` runs even if one fails (the first failure
 * is then thrown). Falsy entries are skipped, for `compose(a, enabled && b)`.
 */
export function compose(...middleware: (CopilotRuntimeMiddleware | undefined | null | false)[]): CopilotRuntimeMiddleware {
  return composeMiddleware(middleware);
}
