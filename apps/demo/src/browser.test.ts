// CopilotKit's own React components (the demo page) against Copilot Runtime, in Debian's Chromium.
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOfflineModel } from "./offline-model.js";
import { createDemoServer } from "./server.js";
import { demoChat, hasBrowser, launchChromium } from "./test-browser.js";

const ARTIFACTS = fileURLToPath(new URL("../test-results/", import.meta.url));

describe.skipIf(!hasBrowser)("the demo page in Chromium (CopilotKit React 1.74 → Copilot Runtime)", () => {
  const server = createDemoServer(createOfflineModel(10));
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(async () => {
    await page?.close();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  });

  const chat = () => page.locator("[data-testid=chat]");
  const open = (url = base) => demoChat(page).open(url);
  const ask = (text: string) => demoChat(page).ask(text);
  const waitForChat = (text: string | RegExp) => demoChat(page).waitForChat(text);

  it("streams an answer to a question", async () => {
    await open();
    await ask("hi");
    await waitForChat(/offline model of the Copilot Runtime demo/);
  });

  it("runs the server action and shows its result", async () => {
    await open();
    await ask("say hello to Ada");
    await waitForChat(/The server action answered: Hello, Ada!/);
  });

  it("runs the page's frontend action, which changes the page", async () => {
    await open();
    await ask("add buy milk to my list");
    await page.locator("[data-testid=todos]").getByText("buy milk").waitFor({ timeout: 15_000 });
    await waitForChat(/Done: Added "buy milk" to the list/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}chat.png` });
  });

  it("rejoins the thread after a reload", async () => {
    await open();
    await ask("what is the weather in Paris?");
    await waitForChat(/"sky":"sunny"/);
    expect(page.url()).toMatch(/\?thread=/);
    await page.reload();
    await waitForChat(/what is the weather in Paris\?/);
    await waitForChat(/"sky":"sunny"/);
  });

  it("stops a long answer", async () => {
    await open();
    await ask("tell me a long story");
    await waitForChat(/Once upon a time/);
    await page.locator('[data-testid=copilot-send-button][aria-label="Stop"]').click();
    // the page shows the run ended: the button is Send again
    await page.locator('[data-testid=copilot-send-button][aria-label="Send"]').waitFor({ timeout: 15_000 });
    const story = chat()
      .getByText(/^Once upon a time/)
      .first();
    const stoppedAt = await story.innerText();
    expect(stoppedAt.split("patient reader").length - 1).toBeLessThan(30); // far from the 30 full sentences
    // the thread is free again: the next question is answered
    await ask("say hello to Bob");
    await waitForChat(/The server action answered: Hello, Bob!/);
    // and the story did not grow meanwhile: the whole next run (two LLM calls, some 20 tokens at 10 ms) is the
    // wait, where a story still streaming at the same pace would have gained words
    expect(await story.innerText()).toBe(stoppedAt);
  });
});
