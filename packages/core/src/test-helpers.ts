// Helpers shared by this package's tests (not exported from the package).
import type { RunAgentInput } from "@copilot-runtime/protocol";

export function runInput(overrides: Partial<RunAgentInput> = {}): RunAgentInput {
  return {
    threadId: "thread-1",
    runId: `run-${crypto.randomUUID()}`,
    messages: [{ id: "u1", role: "user", content: "Hello" }],
    tools: [],
    context: [],
    state: {},
    forwardedProps: {},
    ...overrides,
  };
}

export function post(path: string, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }): Request {
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
