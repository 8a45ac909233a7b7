import type { RequestContext } from "@copilot-runtime/protocol";

/** A thread's key in the run store: its id, scoped to the caller when an identity is known. */
export function threadKeyOf(threadId: string, context: RequestContext): string {
  return context.identity ? `${context.identity.id}\u0000${threadId}` : threadId;
}
