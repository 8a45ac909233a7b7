// CopilotKit's React UI in Chromium talking to a remote AG-UI agent through the runtime
// (`<CopilotKit runtimeUrl agent="research">`): the demo serves another runtime's agent as "research".
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpAgent } from "@ag-ui/client";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOfflineModel } from "./offline-model.js";
import { createDemoServer } from "./server.js";
import { demoChat, hasBrowser, launchChromium } from "./test-browser.js";

describe.skipIf(!hasBrowser)("the demo page in Chromium with a remote agent (agent=research)", () => {
  // the remote: another runtime with the offline model; the demo serves its built-in agent as "research"
  const remote = createDemoServer(createOfflineModel(5));
  const remoteRuns: string[] = [];
  remote.on("request", (req: IncomingMessage) => {
    if (req.url?.endsWith("/agent/default/run")) remoteRuns.push(req.url);
  });
  let server: ReturnType<typeof createDemoServer>;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await new Promise<void>((resolve) => remote.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(remote.address() as AddressInfo).port}/api/copilotkit/agent/default/run`;
    server = createDemoServer(createOfflineModel(5), { agents: { research: new HttpAgent({ url, description: "The research agent." }) } });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    for (const each of [server, remote]) {
      each?.closeAllConnections();
      await new Promise((resolve) => each?.close(resolve));
    }
  });

  it("lists the remote agent on the page, and streams its answer into CopilotKit's chat", async () => {
    const chat = demoChat(page);
    await chat.open(`${base}/?agent=research`, "research");
    await page.locator("[data-testid=agent] option", { hasText: "research" }).waitFor({ state: "attached", timeout: 15_000 });
    expect(await page.locator("[data-testid=agent]").inputValue()).toBe("research");
    await chat.ask("hi");
    await chat.waitForChat(/offline model of the Copilot Runtime demo/);
    expect(remoteRuns.length).toBeGreaterThan(0);
  });
});
