import { RequestError, errorResponse, isPlainObject, type RequestContext, type RunAgentInput } from "@copilot-runtime/protocol";
import type { AgentEntry } from "./agent.js";
import { agentNamed, type AgentRegistry } from "./agent-registry.js";
import { routeEnvelope } from "./envelope.js";
import { jsonResponse, sseResponse } from "./http-response.js";
import { runtimeInfo } from "./info.js";
import { readJsonBody } from "./request-body.js";
import { matchRoute, type Route } from "./router.js";
import { parseRunAgentInput } from "./run-input.js";
import { RunSession } from "./run-session.js";
import type { RequestMeta, RuntimeConfig } from "./runtime-options.js";
import { threadKeyOf } from "./thread-key.js";
import { replayFrames } from "./thread-replay.js";

export interface RequestHandlerOptions {
  config: RuntimeConfig;
  agents: AgentRegistry;
  defaultAgentId: string;
  /** Normalized, or undefined to match routes by suffix. */
  basePath: string | undefined;
  version: string;
}

type Dispatch = Extract<Route, { kind: "info" | "run" | "connect" | "stop" }> & { body?: unknown };

/**
 * The runtime's HTTP surface as a fetch handler: `onRequest` middleware,
 * routing (paths and the single-route envelope), `/info`, runs, `connect`
 * and `stop`, then `onResponse`. Errors before streaming are JSON bodies.
 */
export function createRequestHandler(options: RequestHandlerOptions): (request: Request, meta?: RequestMeta) => Promise<Response> {
  const { config, agents, defaultAgentId, basePath, version } = options;
  const { middleware, store } = config;
  /** The requests whose caller reads a stream's frames (`RequestMeta.readsFrames`): their streams' web bodies are made lazily. */
  const readsFrames = new WeakSet<RequestContext>();

  /** The agents served for this request (the `agents` function sees the request, the runtime's properties and the identity). */
  function agentsFor(request: Request, context: RequestContext): Promise<ReadonlyMap<string, AgentEntry>> {
    const identity = context.identity;
    const properties = { ...config.properties, ...(identity ? { identity } : {}) };
    return agents.resolve({ request, properties, ...(identity ? { identity } : {}) });
  }

  async function info(request: Request, served: ReadonlyMap<string, AgentEntry>): Promise<Response> {
    let actions: Awaited<ReturnType<typeof config.actions.resolve>> = [];
    try {
      actions = await config.actions.resolve({ properties: {}, url: request.url, request });
    } catch (error) {
      middleware.error({ error, source: "request" });
    }
    return jsonResponse(await runtimeInfo(version, served, actions));
  }

  async function run(
    agentId: string,
    agent: AgentEntry,
    input: RunAgentInput,
    request: Request,
    context: RequestContext,
  ): Promise<Response> {
    const session = await RunSession.open({
      agentId,
      agent,
      input,
      middleware,
      serverProperties: config.properties,
      stallMs: config.providerTimeoutMs,
      ...(config.telemetry ? { telemetry: config.telemetry } : {}),
      url: request.url,
      request,
      context,
      store,
      activeRuns: config.activeRuns,
      // with "continue", the client going away does not reach the run
      ...(config.onClientDisconnect === "abort" ? { clientSignal: request.signal } : {}),
    });
    const keepAliveMs = config.keepAliveMs;
    const lazyBody = readsFrames.has(context);
    if (config.onClientDisconnect === "abort") {
      return sseResponse(session.frames(), { onCancel: () => session.cancel(), keepAliveMs, lazyBody });
    }
    const frames = session.framesUntilDone((error) => middleware.error({ error, source: "run", request, context }));
    return sseResponse(frames, { keepAliveMs, lazyBody });
  }

  /** Rejoins a thread: its conversation as a snapshot, then the active run's events so far and as they come. */
  async function connect(body: unknown, context: RequestContext): Promise<Response> {
    const threadId = isPlainObject(body) && typeof body.threadId === "string" ? body.threadId : undefined;
    if (threadId === undefined) throw new RequestError("invalid_request", "connect needs a body with a threadId.");
    const replay = await store.connect(threadKeyOf(threadId, context));
    // a rejoining client that leaves stops following at once (a run that is quiet would otherwise hold it)
    return sseResponse(replayFrames(threadId, replay), {
      onCancel: () => replay?.active?.close?.(),
      keepAliveMs: config.keepAliveMs,
      lazyBody: readsFrames.has(context),
    });
  }

  async function stop(threadId: string, context: RequestContext): Promise<Response> {
    const stopped = await store.stop(threadKeyOf(threadId, context));
    return jsonResponse(
      stopped ? { stopped: true } : { stopped: false, message: `No run is active on thread ${JSON.stringify(threadId)}.` },
    );
  }

  async function dispatch(target: Dispatch, request: Request, context: RequestContext): Promise<Response> {
    const served = await agentsFor(request, context);
    if (target.kind === "info") return info(request, served);
    const agent = agentNamed(served, target.agentId);
    const body = "body" in target ? target.body : await readJsonBody(request, config.maxBodyBytes);
    switch (target.kind) {
      case "run":
        return run(target.agentId, agent, await parseRunAgentInput(body, config.limits), request, context);
      case "connect":
        return connect(body, context);
      case "stop":
        return stop(target.threadId, context);
    }
  }

  async function serve(request: Request, context: RequestContext): Promise<Response> {
    const route = matchRoute(request, basePath);
    switch (route.kind) {
      case "envelope":
        return dispatch(routeEnvelope(await readJsonBody(request, config.maxBodyBytes), defaultAgentId), request, context);
      case "stop":
        return dispatch({ ...route, body: undefined }, request, context);
      case "info":
      case "run":
      case "connect":
        return dispatch(route, request, context);
      case "method_not_allowed": {
        const allow = route.allow.join(", ");
        return errorResponse(
          new RequestError("method_not_allowed", `Method ${request.method} is not allowed here; use ${allow}.`, { status: 405 }),
          {
            allow,
          },
        );
      }
      default:
        return errorResponse(
          new RequestError("not_found", `No route for ${request.method} ${new URL(request.url).pathname}.`, { status: 404 }),
        );
    }
  }

  return async (incoming, meta) => {
    const context: RequestContext = { state: {}, ...(meta?.clientAddress !== undefined ? { clientAddress: meta.clientAddress } : {}) };
    if (meta?.readsFrames === true) readsFrames.add(context);
    let request = incoming;
    let path = "/";
    let response: Response;
    try {
      path = new URL(incoming.url).pathname;
      const admitted = await middleware.request({ request, path, context });
      if (admitted instanceof Response) response = admitted;
      else {
        request = admitted;
        response = await serve(request, context);
      }
    } catch (error) {
      middleware.error({ error, source: "request", request, context });
      response = errorResponse(error);
    }
    return middleware.response({ request, path, context, response });
  };
}
