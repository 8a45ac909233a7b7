import {
  EventType,
  type AGUIEvent,
  type ActionContext,
  type Message,
  type ModelParameters,
  type RunAgentInput,
  type ServiceAdapter,
} from "@copilot-runtime/protocol";
import type { AgentRunContext } from "./agent.js";
import { conversationFor } from "./conversation.js";
import { executeToolCalls, type ToolCallOutcome } from "./execute-tool-calls.js";
import { streamLlmCall } from "./llm-call.js";
import type { ToolSet } from "./tool-set.js";

export interface RunLoopOptions {
  input: RunAgentInput;
  adapter: ServiceAdapter;
  toolSet: ToolSet;
  parameters: ModelParameters;
  /** What every action handler receives besides its arguments (minus the tool call id). */
  actionContext: Omit<ActionContext, "toolCallId" | "signal">;
  /** LLM calls per run, server action round trips included. */
  maxSteps: number;
}

function toolMessage(outcome: ToolCallOutcome): Message {
  return { id: outcome.resultMessageId, role: "tool", toolCallId: outcome.call.id, content: outcome.content };
}

/** Each event of a generator as a batch of its own, and its return value; a consumer that leaves early closes it. */
async function* inBatches<R>(events: AsyncGenerator<AGUIEvent, R>): AsyncGenerator<readonly AGUIEvent[], R> {
  let finished = false;
  try {
    for (;;) {
      const next = await events.next();
      if (next.done === true) {
        finished = true;
        return next.value;
      }
      yield [next.value];
    }
  } finally {
    if (!finished) await events.return(undefined as never);
  }
}

/**
 * The built-in agent's run: call the LLM, stream its answer, run the server
 * actions it asked for (in parallel) and feed their results back, until it
 * answers without server tool calls, asks for a frontend tool, or `maxSteps`
 * LLM calls were made. Failures are thrown; the run session turns them into `RUN_ERROR`.
 * Events come in batches (a batch per piece of the provider's answer).
 */
export async function* runLoop(options: RunLoopOptions, context: AgentRunContext): AsyncGenerator<readonly AGUIEvent[]> {
  const { input, toolSet } = options;
  const { threadId, runId } = input;
  yield [{ type: EventType.RUN_STARTED, threadId, runId }];

  const history = conversationFor(input);
  for (let step = 0; step < options.maxSteps; step++) {
    // 1. Ask the LLM and stream its answer.
    const answer = yield* streamLlmCall(
      { adapter: options.adapter, threadId, runId, messages: history, tools: toolSet.tools, parameters: options.parameters },
      context,
    );
    if (answer.message === undefined) return;
    history.push(answer.message);

    // 2. Frontend tools are the client's; every other call runs here (an unknown name gets an error result).
    const serverCalls = answer.calls.filter((call) => !toolSet.frontendToolNames.has(call.name));
    if (serverCalls.length === 0) return;

    // 3. Run the server actions in parallel; their results go to the client and back to the LLM.
    context.watchdog.pause();
    const outcomes = yield* inBatches(
      executeToolCalls(serverCalls, {
        actions: toolSet.actions,
        context: { ...options.actionContext, signal: context.signal },
        onActionError: (error) => context.reportError(error),
        ...(context.telemetry ? { telemetry: context.telemetry } : {}),
      }),
    );
    context.watchdog.resume();
    context.signal.throwIfAborted();
    history.push(...outcomes.map(toolMessage));

    // 4. A frontend tool call waits for the client: the run ends here.
    if (serverCalls.length < answer.calls.length) return;
  }
}
