// Keep-alive comments on a quiet stream (a slow server action), through the Node binding, and both AG-UI
// client generations ignoring them.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpAgent as HttpAgent100 } from "@ag-ui/client";
import { HttpAgent as HttpAgent0059 } from "@ag-ui/client-0059";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CopilotRuntime } from "@copilot-runtime/core";
import type { BaseEvent, Message } from "@copilot-runtime/protocol";
import { ScriptedAdapter, verifyEvents } from "@copilot-runtime/testing";
import { copilotRuntimeNodeHttpEndpoint } from "./node-http-endpoint.js";

let server: Server;
let base: string;

beforeAll(async () => {
  const runtime = new CopilotRuntime({
    keepAliveMs: 40,
    actions: [
      {
        name: "slowLookup",
        description: "Takes a while.",
        handler: async () => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return "found it";
        },
      },
    ],
  });
  const serviceAdapter = new ScriptedAdapter({
    respond: (request) =>
      request.messages.at(-1)?.role === "tool" ? { text: "Here it is." } : { toolCalls: [{ id: "c1", name: "slowLookup", args: {} }] },
  });
  server = createServer(copilotRuntimeNodeHttpEndpoint({ runtime, serviceAdapter, endpoint: "/api/copilotkit" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/copilotkit`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const body = () => ({ threadId: `t-${crypto.randomUUID()}`, runId: "r1", messages: [{ id: "u1", role: "user", content: "Look it up" }] });

describe("keep-alive comments", () => {
  it("are sent while a server action runs, between the events", async () => {
    const response = await fetch(`${base}/agent/default/run`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body()),
    });
    const text = await response.text();
    const pings = text.match(/^: ping$/gm) ?? [];
    expect(pings.length).toBeGreaterThanOrEqual(3); // 300 ms of silence at a 40 ms interval
    const before = text.indexOf(": ping");
    expect(text.slice(0, before)).toContain('"TOOL_CALL_END"');
    expect(text.slice(before)).toContain('"TOOL_CALL_RESULT"');
  });

  interface ClientAgent {
    messages: Message[];
    runAgent(parameters?: Record<string, unknown>, subscriber?: Record<string, unknown>): Promise<unknown>;
  }
  it.each([
    ["@ag-ui/client 1.0.0", (config: { url: string }) => new HttpAgent100(config) as unknown as ClientAgent],
    ["@ag-ui/client 0.0.59", (config: { url: string }) => new HttpAgent0059(config) as unknown as ClientAgent],
  ])("are ignored by %s", async (_name, make) => {
    const warn = vi.spyOn(console, "warn");
    const agent = make({ url: `${base}/agent/default/run` });
    agent.messages.push({ id: "u1", role: "user", content: "Look it up" });
    const events: BaseEvent[] = [];
    const errors: unknown[] = [];
    await agent.runAgent(
      {},
      { onEvent: ({ event }: { event: BaseEvent }) => void events.push(event), onRunErrorEvent: (e: unknown) => errors.push(e) },
    );
    verifyEvents(events);
    expect(errors).toEqual([]);
    expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "Here it is." });
    expect(warn.mock.calls.filter((call) => String(call[0]).includes("[ag-ui]"))).toEqual([]);
    warn.mockRestore();
  });
});
