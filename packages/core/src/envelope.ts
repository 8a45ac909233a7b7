import { RequestError, isPlainObject } from "@copilot-runtime/protocol";
import type { Route } from "./router.js";

/** A route named by a single-route envelope, with the body it carries. */
export type EnvelopeRoute = Extract<Route, { kind: "info" | "run" | "connect" | "stop" }> & { body: unknown };

const METHODS = "info, agent/run, agent/connect, agent/stop";

/**
 * The single-route envelope CopilotKit's frontend posts to the base path,
 * `{ method, params: { agentId, threadId }, body }`, as the route it names.
 * `agentId` defaults to the given default agent.
 */
export function routeEnvelope(envelope: unknown, defaultAgentId: string): EnvelopeRoute {
  if (!isPlainObject(envelope) || typeof envelope.method !== "string") {
    throw new RequestError(
      "invalid_request",
      'Invalid request: expected a single-route envelope { "method": "...", "params": {...}, "body": {...} }.',
    );
  }
  const params = isPlainObject(envelope.params) ? envelope.params : {};
  const agentId = typeof params.agentId === "string" ? params.agentId : defaultAgentId;
  const body = envelope.body;
  switch (envelope.method) {
    case "info":
      return { kind: "info", body };
    case "agent/run":
      return { kind: "run", agentId, body };
    case "agent/connect":
      return { kind: "connect", agentId, body };
    case "agent/stop": {
      if (typeof params.threadId !== "string") throw new RequestError("invalid_request", "agent/stop needs params.threadId.");
      return { kind: "stop", agentId, threadId: params.threadId, body };
    }
    default:
      throw new RequestError("invalid_request", `Unknown method ${JSON.stringify(envelope.method)}; expected one of: ${METHODS}.`);
  }
}
