import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpAgent } from "@ag-ui/client";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { BaseEvent, RuntimeInfo } from "@copilot-runtime/protocol";
import { verifyEvents } from "@copilot-runtime/testing";
import { createOfflineModel } from "./offline-model.js";
import { createDemoServer, ENDPOINT, mcpServersFromEnv } from "./server.js";

/** A stateless Streamable HTTP MCP server with one tool, on 127.0.0.1. */
let mcp: Server;
let mcpUrl: string;

beforeAll(async () => {
  mcp = createServer((req, res) => {
    const server = new McpServer({ name: "demo-test", version: "1.0.0" });
    server.registerTool(
      "roll_dice",
      { description: "Rolls a die with the given number of sides.", inputSchema: { sides: z.number() } },
      () => ({
        content: [{ type: "text", text: "4" }],
      }),
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void transport.close());
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => mcp.listen(0, "127.0.0.1", resolve));
  mcpUrl = `http://127.0.0.1:${(mcp.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  mcp.closeAllConnections();
  await new Promise((resolve) => mcp.close(resolve));
});

describe("MCP_SERVER_URL", () => {
  it("adds nothing when unset", () => {
    expect(mcpServersFromEnv({})).toEqual({ mcpServers: undefined, description: "none (set MCP_SERVER_URL to add an MCP server's tools)" });
  });

  it("adds the server, with MCP_SERVER_TOKEN as its key, and never prints the token or the query", () => {
    const { mcpServers, description } = mcpServersFromEnv({
      MCP_SERVER_URL: "https://mcp.example.com/mcp?key=abc123secret",
      MCP_SERVER_TOKEN: "tok-9f8e7d6c",
    });
    expect(mcpServers).toEqual([{ endpoint: "https://mcp.example.com/mcp?key=abc123secret", apiKey: "tok-9f8e7d6c" }]);
    expect(description).toBe(`the tools of https://mcp.example.com/mcp?… (with MCP_SERVER_TOKEN); GET ${ENDPOINT}/info lists them`);
  });

  it.each([["ftp://example.com/mcp"], ["not a url"]])("refuses %j", (url) => {
    expect(() => mcpServersFromEnv({ MCP_SERVER_URL: url })).toThrow(/^MCP_SERVER_URL must be an http\(s\) URL/);
  });

  it("the server's tools are the demo's server actions: listed by /info, and runs go on with them", async () => {
    const demo = createDemoServer(createOfflineModel(2), mcpServersFromEnv({ MCP_SERVER_URL: mcpUrl }));
    await new Promise<void>((resolve) => demo.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(demo.address() as AddressInfo).port}`;
    try {
      const info = (await (await fetch(`${base}${ENDPOINT}/info`)).json()) as RuntimeInfo;
      expect(info.actions.map((action) => action.name)).toContain("roll_dice");
      const agent = new HttpAgent({ url: `${base}${ENDPOINT}/agent/default/run` });
      agent.messages.push({ id: crypto.randomUUID(), role: "user", content: "Say hello to Ada" });
      const events: BaseEvent[] = [];
      await agent.runAgent({}, { onEvent: ({ event }) => void events.push(event) });
      verifyEvents(events);
      expect(events.at(-1)?.type).toBe("RUN_FINISHED");
    } finally {
      await demo.copilotRuntime.close({ graceMs: 0 });
      demo.closeAllConnections();
      await new Promise((resolve) => demo.close(resolve));
    }
  });
});
