/**
 * Structural support for LangChain results, without depending on
 * `@langchain/core`: handlers may return an `AIMessage`, a `BaseMessageChunk`
 * or a stream of chunks, and their text reaches the client and the LLM.
 */

/** A LangChain message (or chunk): it has `content` and LangChain's serialization marker or type getter. */
export function isMessageLike(value: unknown): value is { content: unknown } {
  if (value == null || typeof value !== "object" || !("content" in value)) return false;
  const candidate = value as { lc_namespace?: unknown; _getType?: unknown; getType?: unknown };
  return Array.isArray(candidate.lc_namespace) || typeof candidate._getType === "function" || typeof candidate.getType === "function";
}
