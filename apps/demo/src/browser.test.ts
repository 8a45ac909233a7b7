// CopilotKit's own React components (the demo page) against Copilot Runtime, in Debian's Chromium.
import { existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOfflineModel } from "./offline-model.js";
import { createDemoServer, WEB_ROOT } from "./server.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const hasBrowser = existsSync(CHROMIUM) && existsSync(`${WEB_ROOT}/index.html`);
if (!hasBrowser && process.env.REQUIRE_BROWSER) {
  throw new Error(
    `Browser tests need ${CHROMIUM} (apt-get install -y chromium) and the built page (pnpm --filter @copilot-runtime/demo build).`,
  );
}

describe.skipIf(!hasBrowser)("the demo page in Chromium (CopilotKit React 1.74 → Copilot Runtime)", () => {
  const server = createDemoServer(createOfflineModel(10));
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
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
  /** Opens the page and waits until CopilotKit has joined its thread (its `connect` answered to the end). */
  async function open(url = base) {
    const connected = page.waitForResponse((response) => response.url().endsWith("/agent/default/connect"), { timeout: 15_000 });
    await page.goto(url);
    await (await connected).finished();
  }
  /** Sends a message once the chat can take one, and waits until it shows (a loaded machine may be slow to connect). */
  async function ask(text: string) {
    const input = page.locator("[data-testid=chat] textarea").first();
    await input.fill(text);
    const send = page.locator('[data-testid=copilot-send-button][aria-label="Send"]');
    await send.and(page.locator(":enabled")).waitFor({ timeout: 15_000 });
    await input.press("Enter");
    await chat().getByText(text, { exact: true }).first().waitFor({ timeout: 15_000 });
  }
  const waitForChat = (text: string | RegExp) => chat().getByText(text).first().waitFor({ timeout: 15_000 });

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
    const length = async () => (await chat().innerText()).length;
    await page.waitForTimeout(300);
    const stoppedAt = await length();
    await page.waitForTimeout(1000);
    expect(await length()).toBe(stoppedAt);
    expect((await chat().innerText()).split("patient reader").length - 1).toBeLessThan(30); // far from the 30 full sentences
    // the thread is free again: the next question is answered
    await ask("say hello to Bob");
    await waitForChat(/Hello, Bob!/);
  });
});
