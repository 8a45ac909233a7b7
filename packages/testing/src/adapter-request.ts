import type { AdapterPart, AdapterRequest, ServiceAdapter } from "@copilot-runtime/protocol";

/** An adapter request for tests: a system and a user message, no tools, no parameters. */
export function adapterRequest(overrides: Partial<AdapterRequest> = {}): AdapterRequest {
  return {
    threadId: "t",
    runId: "r",
    messages: [
      { id: "s", role: "system", content: "Be brief." },
      { id: "u", role: "user", content: "Hi" },
    ],
    tools: [],
    parameters: {},
    signal: new AbortController().signal,
    ...overrides,
  };
}

export interface CollectPartsOptions {
  /** Keep the `response-metadata` parts (the answering model and the answer's id); left out by default. */
  metadata?: boolean;
}

/** Every part an adapter streams for a request (rejects as the adapter does); `response-metadata` only when asked for. */
export async function collectParts(
  adapter: ServiceAdapter,
  request: AdapterRequest = adapterRequest(),
  options: CollectPartsOptions = {},
): Promise<AdapterPart[]> {
  const parts: AdapterPart[] = [];
  for await (const part of adapter.stream(request)) {
    if (part.type !== "response-metadata" || options.metadata === true) parts.push(part);
  }
  return parts;
}

/**
 * Every batch an adapter's `streamBatches` gives for a request (the way the runtime reads it); `response-metadata`
 * only when asked for. Throws when the adapter has no `streamBatches`.
 */
export async function collectBatches(
  adapter: ServiceAdapter,
  request: AdapterRequest = adapterRequest(),
  options: CollectPartsOptions = {},
): Promise<AdapterPart[][]> {
  if (adapter.streamBatches === undefined) throw new TypeError(`${adapter.provider}'s adapter has no streamBatches.`);
  const batches: AdapterPart[][] = [];
  for await (const batch of adapter.streamBatches(request)) {
    batches.push(batch.filter((part) => part.type !== "response-metadata" || options.metadata === true));
  }
  return batches;
}
