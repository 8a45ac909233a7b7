// The conformance suite every adapter passes: through the runtime and the
// real @ag-ui/client, against the adapter's fake provider server, with the
// adapter's real vendor SDK. Import it from "@copilot-runtime/testing/conformance"
// inside a vitest test file.
import { inspect } from "node:util";
import type { HttpAgent } from "@ag-ui/client";
import { afterAll, beforeAll, describe, expect, it, vi, type TestContext } from "vitest";
import {
  EventType,
  type ActionDefinition,
  type BaseEvent,
  type CopilotRuntimeMiddleware,
  type ErrorReport,
  type Message,
  type ServiceAdapter,
} from "@copilot-runtime/protocol";
import { eventsOfType } from "./collect-events.js";
import { verifyEvents } from "./verify-events.js";
import type { ConformanceFault, FakeProvider } from "./fake-provider.js";
import { textAnswer, toolCallAnswer, type FakeScript } from "./fake-script.js";
import { echoedKey } from "./request-rules.js";

/** What the suite needs of `CopilotRuntime` (injected, so this package does not depend on core). */
export interface RuntimeLike {
  handler(options: { serviceAdapter: ServiceAdapter; basePath?: string }): (request: Request) => Promise<Response>;
}

/** The `CopilotRuntime` options the suite sets. */
export interface ConformanceRuntimeOptions {
  actions: ActionDefinition[];
  providerTimeoutMs: number;
  onError?: (report: ErrorReport) => void;
  middleware?: CopilotRuntimeMiddleware;
}

export interface AdapterConformanceOptions<F extends FakeProvider> {
  /** Shown in the test names, e.g. "OpenAIAdapter". */
  name: string;
  /** Starts the adapter's fake provider server. */
  startFake: () => Promise<F>;
  /** The adapter under test, with its real SDK client pointed at the fake (retries off). */
  createAdapter: (fake: F, apiKey: string) => ServiceAdapter;
  /** `(options) => new CopilotRuntime(options)` from `@copilot-runtime/core`. */
  createRuntime: (options: ConformanceRuntimeOptions) => RuntimeLike;
  /** Whether `temperature` reaches this provider (false where its API removed the parameter). Default true. */
  sendsTemperature?: boolean;
  /** The API key the adapter is given, shaped like the provider's keys. Default `sk-conformance-SECRET-0123456789-TAIL`. */
  apiKey?: string;
  /**
   * Checks this adapter cannot pass, each with the reason (reported as skipped, with it). Faults the provider
   * itself cannot produce are declared on its fake's wire format (`unsupportedFaults`) instead.
   */
  skip?: Partial<Record<ConformanceFault, string>>;
}

type HttpAgentClass = typeof HttpAgent;

/** The real AG-UI client, an optional peer of this package: a missing one is named, with what to install. */
async function loadHttpAgent(): Promise<HttpAgentClass> {
  try {
    return (await import("@ag-ui/client")).HttpAgent;
  } catch (cause) {
    throw new Error(
      "The adapter conformance suite drives every run with the real AG-UI client, @ag-ui/client, an optional peer dependency " +
        "of @copilot-runtime/testing that is not installed here. Install it next to your tests: npm i -D @ag-ui/client@1.0.0",
      { cause },
    );
  }
}

/** The HTTP statuses every provider's fake must declare an error case for. */
const REQUIRED_HTTP_FAULTS: readonly [fault: ConformanceFault, label: string, matches: (status: number) => boolean][] = [
  ["http-401", "401", (status) => status === 401],
  ["http-403", "403", (status) => status === 403],
  ["http-429", "429", (status) => status === 429],
  ["http-5xx", "5xx", (status) => status >= 500],
];

const DEFAULT_API_KEY = "sk-conformance-SECRET-0123456789-TAIL";
const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

/** Everything a host could log of a value: `inspect` shows an error's message, stack, own fields and `cause` chain. */
const everything = (value: unknown) => inspect(value, { depth: 12, breakLength: Infinity, showHidden: false });
/** The stall timeout of the runtime the stall test uses (short, so the test is quick). */
const STALL_TIMEOUT_MS = 400;
/** The stall timeout of every other test's runtime: long, so a slow machine does not fail them. */
const PROVIDER_TIMEOUT_MS = 30_000;
const RUN_URL = "http://runtime.test/api/copilotkit/agent/default/run";

const confirmTool = {
  name: "confirm",
  description: "Ask the user to confirm",
  parameters: { type: "object", properties: { question: { type: "string" } }, required: ["question"] },
};

const actions: ActionDefinition[] = [
  {
    name: "sayHello",
    description: "Says hello to someone.",
    parameters: [{ name: "arg", type: "string", description: "The name of the person to say hello to.", required: true }],
    handler: ({ arg }) => `Hello, ${String(arg)}!`,
  },
];

interface RunOutcome {
  events: BaseEvent[];
  errors: { message: string; code?: string }[];
}

/** Registers the conformance suite for one adapter binding (call it at the top level of a test file). */
export function describeAdapterConformance<F extends FakeProvider>(options: AdapterConformanceOptions<F>): void {
  const API_KEY = options.apiKey ?? DEFAULT_API_KEY;
  describe(`${options.name} conformance`, () => {
    let fake: F;
    let handler: (request: Request) => Promise<Response>;
    let HttpAgentImpl: HttpAgentClass;

    beforeAll(async () => {
      HttpAgentImpl = await loadHttpAgent();
      fake = await options.startFake();
      handler = options
        .createRuntime({ actions, providerTimeoutMs: PROVIDER_TIMEOUT_MS })
        .handler({ serviceAdapter: options.createAdapter(fake, API_KEY), basePath: "/api/copilotkit" });
    });
    afterAll(async () => {
      await fake?.close();
    });

    function agentWith(messages: Message[], through = () => handler) {
      const agent = new HttpAgentImpl({
        url: RUN_URL,
        threadId: `thread-${crypto.randomUUID()}`,
        fetch: ((input: string | URL | Request, init?: RequestInit) => through()(new Request(input, init))) as typeof fetch,
      });
      agent.messages.push(...messages);
      return agent;
    }
    const user = (content: string): Message => ({ id: crypto.randomUUID(), role: "user", content });

    async function run(agent: HttpAgent, parameters: Record<string, unknown> = {}): Promise<RunOutcome> {
      const events: BaseEvent[] = [];
      const errors: RunOutcome["errors"] = [];
      await agent.runAgent(parameters, {
        onEvent: ({ event }) => void events.push(event),
        onRunErrorEvent: ({ event }) => void errors.push(event),
      });
      verifyEvents(events);
      return { events, errors };
    }
    const lastMessage = (agent: HttpAgent) => agent.messages[agent.messages.length - 1];

    /** One scripted HTTP error: the run ends with RUN_ERROR and the case's code, without the key. */
    async function expectErrorCase(errorCase: F["errorCases"][number]): Promise<void> {
      fake.enqueue(errorCase.script);
      const { events, errors } = await run(agentWith([user(`trigger ${errorCase.name}`)]));
      expect(
        events.map((event) => event.type),
        errorCase.name,
      ).toEqual(["RUN_STARTED", "RUN_ERROR"]);
      expect(errors[0]?.code, errorCase.name).toBe(errorCase.code);
      expect(errors[0]?.message).not.toContain("SECRET");
      expect(errors[0]?.message).not.toContain(API_KEY);
    }

    /** Skips a check the adapter or its provider declared it cannot pass, with the reason. */
    function skipIfDeclared(fault: ConformanceFault, context: TestContext): void {
      const reason = options.skip?.[fault] ?? fake.unsupportedFaults[fault];
      if (reason !== undefined) context.skip(`${fault}: ${reason}`);
    }
    const undeclared = (fault: ConformanceFault, what: string, fix: string) =>
      new Error(
        `${fake.provider}'s fake declares no ${what}: ${fix}, or declare why it cannot happen ` +
          `(its wire format's unsupportedFaults["${fault}"], or the suite's skip option for the adapter).`,
      );

    for (const [fault, label, matches] of REQUIRED_HTTP_FAULTS) {
      it(`reports HTTP ${label} as RUN_ERROR with a stable code and no secret`, async (context) => {
        skipIfDeclared(fault, context);
        const cases = fake.errorCases.filter((errorCase) => matches(errorCase.script.status));
        if (cases.length === 0) throw undeclared(fault, `HTTP ${label} error case`, "add one to its wire format's errorCases");
        for (const errorCase of cases) await expectErrorCase(errorCase);
      });
    }

    it("streams a plain answer and reports usage in RUN_FINISHED", async () => {
      fake.enqueue(textAnswer("Hello from the fake provider.", { usage: { inputTokens: 11, outputTokens: 7 } }));
      const agent = agentWith([user("Hi!")]);
      const { events } = await run(agent);
      expect(lastMessage(agent)).toMatchObject({ role: "assistant", content: "Hello from the fake provider." });
      const [finished] = eventsOfType(events, EventType.RUN_FINISHED);
      expect(events.at(-1)).toBe(finished);
      expect(finished?.usage?.[0]).toMatchObject({ inputTokens: 11, outputTokens: 7 });
      expect(fake.summary().lastUserText).toBe("Hi!");
    });

    it("streams one tool call with its arguments", async () => {
      fake.enqueue(toolCallAnswer([{ name: "confirm", arguments: { question: "Proceed?" } }]));
      const agent = agentWith([user("Ask me")]);
      const { events } = await run(agent, { tools: [confirmTool] });
      const starts = eventsOfType(events, EventType.TOOL_CALL_START);
      expect(starts.map((start) => start.toolCallName)).toEqual(["confirm"]);
      const args = eventsOfType(events, EventType.TOOL_CALL_ARGS)
        .map((event) => event.delta)
        .join("");
      expect(JSON.parse(args)).toEqual({ question: "Proceed?" });
      expect(eventsOfType(events, EventType.TOOL_CALL_RESULT)).toEqual([]);
      expect(fake.summary().toolNames).toEqual(["sayHello", "confirm"]);
    });

    it("streams parallel tool calls as distinct calls", async () => {
      fake.enqueue(
        toolCallAnswer([
          { name: "confirm", arguments: { question: "First?" } },
          { name: "confirm", arguments: { question: "Second?" } },
        ]),
      );
      const agent = agentWith([user("Ask me twice")]);
      const { events } = await run(agent, { tools: [confirmTool] });
      const starts = eventsOfType(events, EventType.TOOL_CALL_START);
      expect(starts).toHaveLength(2);
      expect(new Set(starts.map((start) => start.toolCallId)).size).toBe(2);
      const argsOf = (id: string) =>
        JSON.parse(
          eventsOfType(events, EventType.TOOL_CALL_ARGS)
            .filter((event) => event.toolCallId === id)
            .map((event) => event.delta)
            .join(""),
        );
      expect(starts.map((start) => argsOf(start.toolCallId))).toEqual([{ question: "First?" }, { question: "Second?" }]);
    });

    it("runs a server action and ends with the LLM's answer to its result", async () => {
      fake.enqueue(toolCallAnswer([{ name: "sayHello", arguments: { arg: "Ada" } }]), textAnswer("I greeted Ada."));
      const agent = agentWith([user("Greet Ada")]);
      const { events } = await run(agent);
      expect(eventsOfType(events, EventType.TOOL_CALL_RESULT).map((result) => result.content)).toEqual(["Hello, Ada!"]);
      expect(lastMessage(agent)).toMatchObject({ role: "assistant", content: "I greeted Ada." });
      const second = fake.summary();
      expect(second.toolCalls.map((call) => [call.name, call.args])).toEqual([["sayHello", { arg: "Ada" }]]);
      expect(second.toolResults.map((result) => result.content)).toEqual(["Hello, Ada!"]);
    });

    it("leaves a frontend tool to the client and continues with its result", async () => {
      fake.enqueue(toolCallAnswer([{ name: "confirm", arguments: { question: "Delete?" } }]));
      const agent = agentWith([user("Delete it")]);
      const first = await run(agent, { tools: [confirmTool] });
      const [start] = eventsOfType(first.events, EventType.TOOL_CALL_START);
      agent.messages.push({ id: crypto.randomUUID(), role: "tool", toolCallId: start!.toolCallId, content: "yes" });
      fake.enqueue(textAnswer("Deleted."));
      await run(agent, { tools: [confirmTool] });
      expect(lastMessage(agent)).toMatchObject({ role: "assistant", content: "Deleted." });
      const summary = fake.summary();
      expect(summary.toolCalls.map((call) => [call.name, call.args])).toEqual([["confirm", { question: "Delete?" }]]);
      expect(summary.toolResults.map((result) => result.content)).toEqual(["yes"]);
    });

    it("converts a history that already holds tool calls and results", async () => {
      fake.enqueue(textAnswer("Both cities are nice."));
      const call = (id: string, city: string) => ({
        id,
        type: "function" as const,
        function: { name: "lookup", arguments: JSON.stringify({ city }) },
      });
      const agent = agentWith([
        { id: "s1", role: "system", content: "You are a travel assistant." },
        user("Weather in Paris and Rome?"),
        { id: "a1", role: "assistant", content: "Checking both.", toolCalls: [call("h1", "Paris"), call("h2", "Rome")] },
        { id: "t1", role: "tool", toolCallId: "h1", content: "sunny" },
        { id: "t2", role: "tool", toolCallId: "h2", content: "rainy" },
        { id: "a2", role: "assistant", content: "Paris is sunny, Rome is rainy." },
        user("Which is nicer?"),
      ]);
      await run(agent);
      const summary = fake.summary();
      expect(summary.system).toContain("You are a travel assistant.");
      expect(summary.toolCalls.map((c) => [c.name, c.args])).toEqual([
        ["lookup", { city: "Paris" }],
        ["lookup", { city: "Rome" }],
      ]);
      expect(summary.toolResults.map((result) => result.content)).toEqual(["sunny", "rainy"]);
      expect(summary.lastUserText).toBe("Which is nicer?");
    });

    it("passes temperature 0 and maxTokens to the provider", async () => {
      fake.enqueue(textAnswer("ok"));
      await run(agentWith([user("Be exact")]), { forwardedProps: { temperature: 0, maxTokens: 123 } });
      const summary = fake.summary();
      expect(summary.maxTokens).toBe(123);
      if (options.sendsTemperature === false) expect(summary.temperature).toBeUndefined();
      else expect(summary.temperature).toBe(0);
    });

    it("reports every other HTTP error its provider is known for as RUN_ERROR with its code", async (context) => {
      const others = fake.errorCases.filter((errorCase) => !REQUIRED_HTTP_FAULTS.some(([, , matches]) => matches(errorCase.script.status)));
      if (others.length === 0) context.skip("the fake declares no HTTP errors beyond 401, 403, 429 and 5xx");
      for (const errorCase of others) await expectErrorCase(errorCase);
    });

    it("never lets the API key reach the client, the console, onError or onAfterRequest", async () => {
      const reported: unknown[] = [];
      const after: unknown[] = [];
      const logged: unknown[][] = [];
      const spies = CONSOLE_METHODS.map((method) =>
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args)),
      );
      const leakHandler = options
        .createRuntime({
          actions,
          providerTimeoutMs: PROVIDER_TIMEOUT_MS,
          onError: (report) => void reported.push(report),
          middleware: { onAfterRequest: (payload) => void after.push(payload) },
        })
        .handler({ serviceAdapter: options.createAdapter(fake, API_KEY), basePath: "/api/copilotkit" });
      // every HTTP error the provider is known for (its auth errors echo the key), a failure mid-stream, and an answer
      const scripts: FakeScript[] = [
        ...fake.errorCases.map((errorCase) => errorCase.script),
        textAnswer("This answer breaks off", { errorAfter: 2 }),
        toolCallAnswer([{ name: "sayHello", arguments: { arg: "Ada" } }]),
        textAnswer("I greeted Ada."),
      ];
      const streams: BaseEvent[][] = [];
      try {
        fake.enqueue(...scripts);
        for (let i = 0; i < scripts.length - 1; i++) {
          streams.push((await run(agentWith([user(`Greet Ada, attempt ${i}`)], () => leakHandler))).events);
        }
        await waitFor(() => (after.length >= streams.length ? true : undefined));
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
      expect(streams.filter((events) => events.at(-1)?.type === "RUN_ERROR")).toHaveLength(fake.errorCases.length + 1);
      expect(reported.length).toBeGreaterThan(0);
      const places: [string, string][] = [
        ["the client's streams", everything(streams)],
        ["console output", everything(logged)],
        ["onError reports", everything(reported)],
        ["onAfterRequest payloads", everything(after)],
      ];
      for (const [place, text] of places) {
        expect(text, place).not.toContain(API_KEY);
        expect(text, place).not.toContain(echoedKey(API_KEY));
        expect(text, place).not.toContain(API_KEY.slice(0, 8));
      }
    });

    it("reports a failure in the middle of the stream as RUN_ERROR", async (context) => {
      skipIfDeclared("mid-stream-error", context);
      fake.enqueue(textAnswer("This answer breaks off half way through", { errorAfter: 3 }));
      const { events, errors } = await run(agentWith([user("Tell me")]));
      expect(events[events.length - 1]?.type).toBe("RUN_ERROR");
      expect(errors[0]?.code).toBe(fake.midStreamErrorCode);
      expect(errors[0]?.message).not.toContain("SECRET");
    });

    async function expectFailure(code: string | string[], agent = agentWith([user("Tell me")])) {
      const { events, errors } = await run(agent);
      expect(events[events.length - 1]?.type).toBe("RUN_ERROR");
      expect(Array.isArray(code) ? code : [code]).toContain(errors[0]?.code);
      expect(errors[0]?.message).toBeTruthy();
      expect(errors[0]?.message).not.toContain("SECRET");
      expect(errors[0]?.message).not.toMatch(/\n\s+at /);
    }

    it("reports a stream cut mid-way as RUN_ERROR", async (context) => {
      skipIfDeclared("cut-stream", context);
      fake.enqueue(textAnswer("This answer is cut off in the middle of it", { cutAfter: 3 }));
      await expectFailure(["provider_error", "provider_unavailable"]);
    });

    it("reports a malformed frame as RUN_ERROR", async (context) => {
      skipIfDeclared("malformed-frame", context);
      fake.enqueue(textAnswer("This answer has a broken frame in it", { malformedAfter: 2 }));
      await expectFailure(["provider_error", "provider_bad_request"]);
    });

    it("gives up on a stream that stalls past the timeout, and closes it", async (context) => {
      skipIfDeclared("stall", context);
      const stallHandler = options
        .createRuntime({ actions, providerTimeoutMs: STALL_TIMEOUT_MS })
        .handler({ serviceAdapter: options.createAdapter(fake, API_KEY), basePath: "/api/copilotkit" });
      fake.enqueue(textAnswer("This answer stops and never goes on", { holdAfter: 2 }));
      const before = fake.requests.length;
      await expectFailure(
        "timeout",
        agentWith([user("Tell me a story")], () => stallHandler),
      );
      const request = await waitFor(() => fake.requests[before]);
      expect(await request.closedEarly).toBe(true);
    });

    it("reports a provider that refuses connections as provider_unavailable", async (context) => {
      skipIfDeclared("refused-connection", context);
      const dead = await options.startFake();
      const deadHandler = options
        .createRuntime({ actions, providerTimeoutMs: PROVIDER_TIMEOUT_MS })
        .handler({ serviceAdapter: options.createAdapter(dead, API_KEY), basePath: "/api/copilotkit" });
      await dead.close();
      await expectFailure(
        "provider_unavailable",
        agentWith([user("Anyone there?")], () => deadHandler),
      );
    });

    it("reports a generation the provider ends with its error finish reason as RUN_ERROR, never as a success", async (context) => {
      skipIfDeclared("error-finish-reason", context);
      const reason = fake.errorFinishReason;
      if (reason === undefined) throw undeclared("error-finish-reason", "error finish reason", "set errorFinishReason on its wire format");
      fake.enqueue(textAnswer("A generation that went wrong", { finishReason: reason }));
      await expectFailure("provider_error");
    });

    it("closes the provider request when the client aborts", async () => {
      let release!: () => void;
      const hold = new Promise<void>((resolve) => (release = resolve));
      fake.enqueue(textAnswer("one two three four five six", { holdAfter: 1, hold }));
      const before = fake.requests.length;
      const agent = agentWith([user("Long story")]);
      const running = agent.runAgent().catch(() => undefined);
      const request = await waitFor(() => fake.requests[before]);
      agent.abortRun();
      await running;
      expect(await request.closedEarly).toBe(true);
      release();
    });

    // last: every request the suite made went through the fake's checks
    it("sent only requests the real provider accepts (its fake's request rules)", (context) => {
      skipIfDeclared("request-validation", context);
      if (fake.requestRuleCount === 0) {
        throw undeclared("request-validation", "request rules", "give its wire format the rules the real API enforces (rules)");
      }
      expect(fake.rejections, "requests the real API would refuse").toEqual([]);
    });
  });
}

export {
  BindingTestAdapter,
  describeBindingConformance,
  BINDING_SUITE_KEEP_ALIVE_MS,
  BINDING_SUITE_MAX_BODY,
  type BindingConformanceOptions,
  type MountedRuntime,
} from "./binding-conformance.js";
export {
  describeBodyLimitsConformance,
  fetchOversizedBodies,
  BODY_LIMITS_SUITE_LIMITS,
  type BodyLimitsConformanceOptions,
  type OversizedBodyResult,
} from "./body-limits-conformance.js";
export type { ConformanceFault } from "./fake-provider.js";
export { describeBindingConfiguration, type BindingConfigurationOptions } from "./binding-configuration.js";
export { describeRunStoreConformance, type RunStoreConformanceOptions, type RunStoreLike } from "./run-store-conformance.js";

/** Polls until `get` returns a value (at most 5 s). */
async function waitFor<T>(get: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
