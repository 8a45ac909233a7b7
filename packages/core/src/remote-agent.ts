import {
  AgentError,
  CopilotRuntimeError,
  agentErrorCodeForStatus,
  isAbortError,
  type AGUIEvent,
  type AgentCapabilities,
  type RunAgentInput,
} from "@copilot-runtime/protocol";
import type { AgentEntry, AgentRunContext, RuntimeAgent } from "./agent.js";
import { AgentEventGuard } from "./agent-event-guard.js";
import { agentEventStream, isAgentEvents } from "./agent-event-stream.js";
import type { AgUiAgentLike } from "./agui-agent.js";

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
/** How long `/info` waits for an agent's `getCapabilities()`. */
const CAPABILITIES_TIMEOUT_MS = 2000;

/** The error and its causes, outermost first (bounded: cause chains can loop). */
function chain(error: unknown): unknown[] {
  const errors: unknown[] = [];
  for (let current = error; current != null && errors.length < 5; current = (current as { cause?: unknown }).cause) errors.push(current);
  return errors;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The HTTP status of an `HttpAgent` error (`status`, or its message `HTTP 500: …`). */
function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599) return status;
  const match = error instanceof Error ? /^HTTP (\d{3})\b/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * What a remote agent's failure is reported as: a stable code and a message naming the agent and the
 * fault. What the remote answered (body, headers) never reaches the message; the original error is the cause.
 */
export function agentFailure(agentId: string, error: unknown): CopilotRuntimeError {
  if (error instanceof CopilotRuntimeError) return error;
  const name = JSON.stringify(agentId);
  const options = { agentId, cause: error };
  const status = httpStatusOf(error);
  if (status !== undefined) {
    return new AgentError(agentErrorCodeForStatus(status), `The agent ${name} answered HTTP ${status}.`, {
      ...options,
      agentStatus: status,
    });
  }
  const errors = chain(error);
  const codes = errors.map(codeOf);
  if (codes.some((code) => code !== undefined && TIMEOUT_CODES.has(code))) {
    return new AgentError("timeout", `The agent ${name} did not answer in time.`, { ...options, status: 504 });
  }
  if (codes.some((code) => code !== undefined && (NETWORK_CODES.has(code) || code.startsWith("UND_ERR")))) {
    return new AgentError("agent_unavailable", `The agent ${name} could not be reached, or its connection was lost.`, options);
  }
  const first = errors[0];
  if (first instanceof TypeError && /fetch failed|terminated|network/i.test(first.message)) {
    return new AgentError("agent_unavailable", `The agent ${name} could not be reached, or its connection was lost.`, options);
  }
  if (isAbortError(first)) return new AgentError("agent_unavailable", `The agent ${name} aborted its run.`, options);
  const malformed = first instanceof Error && (/^(ZodError|AGUIError)$/.test(first.name) || /^Invalid event\b/.test(first.message));
  if (first instanceof SyntaxError || malformed) {
    return new AgentError("agent_protocol_error", `The agent ${name} sent a malformed AG-UI event stream.`, options);
  }
  return new AgentError("agent_error", `The agent ${name} failed.`, options);
}

async function* runRemote(
  agentId: string,
  agent: AgUiAgentLike,
  input: RunAgentInput,
  context: AgentRunContext,
): AsyncGenerator<AGUIEvent> {
  const { signal } = context;
  const guard = new AgentEventGuard(agentId);
  const abortRun = () => {
    try {
      agent.abortRun?.();
    } catch (error) {
      context.reportError(error);
    }
  };
  signal.addEventListener("abort", abortRun, { once: true });
  try {
    let source: unknown;
    try {
      source = agent.run(input);
    } catch (error) {
      throw agentFailure(agentId, error);
    }
    if (!isAgentEvents(source)) {
      throw new AgentError(
        "agent_protocol_error",
        `The agent ${JSON.stringify(agentId)}'s run() returned neither an observable nor an async iterable.`,
        {
          agentId,
        },
      );
    }
    try {
      for await (const raw of agentEventStream(source, signal)) {
        const event = guard.check(raw);
        if (event === undefined) continue;
        yield event;
        if (guard.terminated) return;
      }
    } catch (error) {
      // an abort is the session's (client gone, stop, stall, shutdown): it reports the reason
      if (signal.aborted) throw error;
      throw agentFailure(agentId, error);
    }
    guard.end();
  } finally {
    signal.removeEventListener("abort", abortRun);
  }
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** A body whose read errors are named `AbortError` (the cause kept), so that cancelling it after a failure does not reject. */
function forgivingBody(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(Object.assign(new Error("The connection to the agent was lost.", { cause: error }), { name: "AbortError" }));
      }
    },
    cancel: (reason) => reader.cancel(reason).catch(() => undefined),
  });
}

/**
 * `HttpAgent` (@ag-ui/client 1.0.0) cancels the response body's reader when its run ends, and rethrows
 * that cancel's rejection unless it is an `AbortError`: a stream the remote cut (`TypeError: terminated`)
 * then becomes an unhandled rejection that ends a Node process. Its `fetch` is wrapped for the run so the
 * body's errors carry that name; the original error stays the cause (and decides the code).
 */
function guardHttpAgentFetch(agent: AgUiAgentLike): void {
  const candidate = agent as AgUiAgentLike & { fetch?: unknown; url?: unknown };
  if (typeof candidate.fetch !== "function" || typeof candidate.url !== "string") return;
  const original = candidate.fetch as FetchLike;
  const guarded: FetchLike = async (input, init) => {
    const response = await original(input, init);
    if (!response.ok || response.body === null) return response;
    return new Response(forgivingBody(response.body), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  candidate.fetch = guarded;
}

/** Adds the trace headers to an agent that sends `headers` with its requests (`HttpAgent` and its kin). */
function addTraceHeaders(agent: AgUiAgentLike, traceHeaders: Readonly<Record<string, string>>): void {
  const candidate = agent as AgUiAgentLike & { headers?: unknown };
  if (candidate.headers == null || typeof candidate.headers !== "object" || Object.keys(traceHeaders).length === 0) return;
  candidate.headers = { ...(candidate.headers as Record<string, string>), ...traceHeaders };
}

/** An agent's capabilities for `/info`, when it reports them (bounded in time; a failure leaves them out). */
async function capabilitiesOf(agent: AgUiAgentLike): Promise<AgentCapabilities | undefined> {
  if (typeof agent.getCapabilities !== "function") return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), CAPABILITIES_TIMEOUT_MS)));
    const capabilities = await Promise.race([agent.getCapabilities(), timeout]);
    return capabilities != null && typeof capabilities === "object" ? capabilities : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A remote or framework AG-UI agent served under `agentId`: every run uses a fresh instance (`clone()`
 * when the agent has one), gets the run's whole `RunAgentInput`, and its events pass through unchanged
 * and in order once checked (`AgentEventGuard`). An abort calls `abortRun()` and unsubscribes; for
 * `HttpAgent` that closes the upstream request. Failures become `AgentError`s (see `agentFailure`).
 */
export function remoteAgentEntry(agentId: string, agent: AgUiAgentLike): AgentEntry {
  const description =
    typeof agent.description === "string" && agent.description !== "" ? agent.description : `The AG-UI agent ${JSON.stringify(agentId)}.`;
  // asked once per configured agent, not on every /info (asked again while it has not answered)
  let capabilities: AgentCapabilities | undefined;
  return {
    description,
    // not the agent's class name: bundled packages minify it (HttpAgent is "Vt" in @ag-ui/client 1.0.0)
    className: "AgUiAgent",
    remote: true,
    stallSubject: `The agent ${JSON.stringify(agentId)}`,
    provider: agentId,
    loadCapabilities: async () => (capabilities ??= await capabilitiesOf(agent)),
    create(): RuntimeAgent {
      const instance = typeof agent.clone === "function" ? agent.clone() : agent;
      if (instance !== agent) guardHttpAgentFetch(instance);
      return {
        run: (input, context) => {
          // the run's trace context goes to the remote with its request (on the run's own instance only)
          if (context.telemetry !== undefined && instance !== agent) addTraceHeaders(instance, context.telemetry.headers);
          return runRemote(agentId, instance, input, context);
        },
      };
    },
  };
}
