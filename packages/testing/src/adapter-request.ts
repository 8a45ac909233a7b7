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

/** Every part an adapter streams for a request (rejects as the adapter does). */
export async function collectParts(adapter: ServiceAdapter, request: AdapterRequest = adapterRequest()): Promise<AdapterPart[]> {
  const parts: AdapterPart[] = [];
  for await (const part of adapter.stream(request)) parts.push(part);
  return parts;
}
