import { describe, expect, it } from "vitest";
import { EventType, type BaseEvent, type RunAgentInput } from "@copilot-runtime/protocol";
import { ScriptedAdapter, collectEvents, collectIterable, eventTypes, textOf } from "@copilot-runtime/testing";
import type { AgUiAgentLike, EventObserver } from "./agui-agent.js";
import { CopilotRuntime } from "./copilot-runtime.js";
import { agentFailure } from "./remote-agent.js";
import { post, runInput } from "./test-helpers.js";

const answer = (input: RunAgentInput, text: string): BaseEvent[] => [
  { type: EventType.RUN_STARTED, threadId: input.threadId, runId: input.runId },
  { type: EventType.TEXT_MESSAGE_START, messageId: "m1", role: "assistant" },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: "m1", delta: text },
  { type: EventType.TEXT_MESSAGE_END, messageId: "m1" },
  { type: EventType.RUN_FINISHED, threadId: input.threadId, runId: input.runId },
];

/** An agent in the shape of AG-UI's AbstractAgent whose run() returns an RxJS-like observable (no RxJS here). */
class ObservableAgent implements AgUiAgentLike {
  description = "An observable agent.";
  clones = 0;
  aborted = 0;
  unsubscribed = 0;
  constructor(private readonly script: (input: RunAgentInput, observer: EventObserver) => void) {}
  run(input: RunAgentInput) {
    return {
      subscribe: (observer: EventObserver) => {
        this.script(input, observer);
        return { unsubscribe: () => void this.unsubscribed++ };
      },
    };
  }
  clone(): ObservableAgent {
    this.clones++;
    const copy = new ObservableAgent(this.script);
    copy.abortRun = () => void this.aborted++;
    copy.run = (input) => {
      const source = this.run(input);
      return { subscribe: (observer: EventObserver) => source.subscribe(observer) };
    };
    return copy;
  }
  abortRun(): void {
    this.aborted++;
  }
}

async function runOn(runtime: CopilotRuntime, agentId: string, input = runInput(), adapter?: ScriptedAdapter): Promise<BaseEvent[]> {
  const handler = runtime.handler({ serviceAdapter: adapter, basePath: "/api" });
  const response = await handler(post(`/api/agent/${agentId}/run`, input));
  expect(response.status).toBe(200);
  return collectEvents(response);
}

describe("an AG-UI agent in the agents option", () => {
  it("runs an observable agent on a clone, with the run's whole input", async () => {
    const inputs: RunAgentInput[] = [];
    const agent = new ObservableAgent((input, observer) => {
      inputs.push(input);
      for (const event of answer(input, "from the observable")) observer.next(event);
      observer.complete();
    });
    const input = runInput({ forwardedProps: { locale: "de" } });
    const events = await runOn(new CopilotRuntime({ agents: { obs: agent } }), "obs", input);
    expect(textOf(events)).toBe("from the observable");
    expect(agent.clones).toBe(1);
    expect(inputs).toEqual([input]);
  });

  it("runs an agent whose run() returns an async iterable, and one without clone()", async () => {
    const agent: AgUiAgentLike = {
      async *run(input) {
        yield* answer(input, "from the iterable");
      },
    };
    const events = await runOn(new CopilotRuntime({ agents: { iter: agent } }), "iter");
    expect(eventTypes(events)).toEqual(["RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"]);
  });

  it("an observable that errors is an agent_error without its message; run() that throws too", async () => {
    const failing = new ObservableAgent((input, observer) => {
      observer.next(answer(input, "")[0]);
      observer.error(new Error("secret stack detail"));
    });
    const throwing: AgUiAgentLike = {
      run: () => {
        throw new Error("secret constructor detail");
      },
    };
    const odd: AgUiAgentLike = { run: () => 42 as never };
    const runtime = new CopilotRuntime({ agents: { failing, throwing, odd } });
    for (const [id, code] of [
      ["failing", "agent_error"],
      ["throwing", "agent_error"],
      ["odd", "agent_protocol_error"],
    ] as const) {
      const events = await runOn(runtime, id);
      expect(events.at(-1)).toMatchObject({ type: "RUN_ERROR", code });
      expect(JSON.stringify(events)).not.toContain("secret");
    }
  });

  it("a stop calls abortRun() and unsubscribes", async () => {
    const agent = new ObservableAgent((input, observer) => observer.next(answer(input, "")[0]));
    const runtime = new CopilotRuntime({ agents: { slow: agent } });
    const handler = runtime.handler({ basePath: "/api" });
    const input = runInput({ threadId: "stop-me" });
    const response = await handler(post("/api/agent/slow/run", input));
    const reading = collectEvents(response);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await (await handler(post("/api/agent/slow/stop/stop-me", {}))).json()).toEqual({ stopped: true });
    expect((await reading).at(-1)).toMatchObject({ type: "RUN_ERROR", code: "stopped" });
    expect(agent.aborted).toBe(1);
    expect(agent.unsubscribed).toBe(1);
  });

  it("agents.default replaces the built-in agent; the built-in one stays default otherwise", async () => {
    const mine: AgUiAgentLike = {
      run: (input) =>
        (async function* () {
          yield* answer(input, "remote default");
        })(),
    };
    const adapter = new ScriptedAdapter({ respond: () => ({ text: "built-in" }) });
    expect(textOf(await runOn(new CopilotRuntime({ agents: { default: mine } }), "default", runInput(), adapter))).toBe("remote default");
    expect(textOf(await runOn(new CopilotRuntime({ agents: { other: mine } }), "default", runInput(), adapter))).toBe("built-in");
  });

  it("/info lists capabilities an agent reports, and leaves them out when getCapabilities fails", async () => {
    const capable: AgUiAgentLike = {
      run: () => [] as never,
      description: "Capable.",
      getCapabilities: async () => ({ tools: { supported: true } }),
    };
    const broken: AgUiAgentLike = { run: () => [] as never, getCapabilities: () => Promise.reject(new Error("down")) };
    const handler = new CopilotRuntime({ agents: { capable, broken } }).handler({ basePath: "/api" });
    const info = (await (await handler(new Request("http://localhost/api/info"))).json()) as { agents: Record<string, unknown> };
    expect(info.agents).toEqual({
      capable: { name: "capable", description: "Capable.", className: "AgUiAgent", capabilities: { tools: { supported: true } } },
      broken: { name: "broken", description: 'The AG-UI agent "broken".', className: "AgUiAgent" },
    });
  });

  it("asks a configured agent for its capabilities once, not on every /info; one that failed is asked again", async () => {
    let asked = 0;
    let failing = 0;
    const capable: AgUiAgentLike = { run: () => [] as never, getCapabilities: async () => (asked++, { tools: { supported: true } }) };
    const flaky: AgUiAgentLike = {
      run: () => [] as never,
      getCapabilities: async () => (failing++ === 0 ? Promise.reject(new Error("down")) : { transport: { streaming: true } }),
    };
    const handler = new CopilotRuntime({ agents: { capable, flaky } }).handler({ basePath: "/api" });
    const info = async () =>
      ((await (await handler(new Request("http://localhost/api/info"))).json()) as { agents: Record<string, object> }).agents;
    expect((await info()).flaky).not.toHaveProperty("capabilities");
    expect((await info()).flaky).toHaveProperty("capabilities", { transport: { streaming: true } });
    await info();
    expect([asked, failing]).toEqual([1, 2]);
  });

  it("runs through process() without a service adapter", async () => {
    const agent: AgUiAgentLike = {
      run: (input) =>
        (async function* () {
          yield* answer(input, "processed");
        })(),
    };
    const events = await collectIterable(new CopilotRuntime({ agents: { default: agent } }).process({ input: runInput() }));
    expect(textOf(events)).toBe("processed");
  });
});

describe("agentFailure", () => {
  const failure = (error: unknown) => agentFailure("research", error);
  it("maps each fault to a stable code, with a message of its own", () => {
    const status = (code: number) => Object.assign(new Error(`HTTP ${code}: secret body`), { status: code });
    expect(failure(status(401))).toMatchObject({
      code: "agent_auth",
      message: 'The agent "research" answered HTTP 401.',
      agentStatus: 401,
    });
    expect(failure(new Error("HTTP 503: down")).code).toBe("agent_unavailable");
    const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    expect(failure(refused).code).toBe("agent_unavailable");
    expect(failure(Object.assign(new Error("slow"), { code: "UND_ERR_HEADERS_TIMEOUT" })).code).toBe("timeout");
    expect(failure(new TypeError("terminated")).code).toBe("agent_unavailable");
    expect(failure(new SyntaxError("Unexpected token")).code).toBe("agent_protocol_error");
    expect(failure(Object.assign(new Error("x"), { name: "ZodError" })).code).toBe("agent_protocol_error");
    expect(failure(Object.assign(new Error("aborted"), { name: "AbortError" })).code).toBe("agent_unavailable");
    expect(failure("a string")).toMatchObject({ code: "agent_error", message: 'The agent "research" failed.' });
  });
});
