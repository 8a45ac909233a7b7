// Test helper: Debian's Chromium through playwright-core, and the demo page's chat as a user drives it.
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { WEB_ROOT } from "./server.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasBrowser = existsSync(CHROMIUM) && existsSync(`${WEB_ROOT}/index.html`);
if (!hasBrowser) {
  const build = "pnpm --filter @copilot-runtime/demo build";
  const message = `Browser tests need ${CHROMIUM} (apt-get install -y chromium) and the built page (${build}).`;
  if (process.env.REQUIRE_BROWSER) throw new Error(message);
  console.warn(`\n*** SKIPPING the demo's browser tests: ${message} ***\n`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** The demo page's chat, driven like a user does. */
export function demoChat(page: Page) {
  const chat = () => page.locator("[data-testid=chat]");
  return {
    chat,
    /** Opens the page and waits until CopilotKit has joined its thread (its `connect` answered to the end). */
    async open(url: string, agentId = "default") {
      const connected = page.waitForResponse((response) => response.url().endsWith(`/agent/${agentId}/connect`), { timeout: 15_000 });
      await page.goto(url);
      await (await connected).finished();
    },
    /** Sends a message once the chat can take one, and waits until it shows (a loaded machine may be slow to connect). */
    async ask(text: string) {
      const input = page.locator("[data-testid=chat] textarea").first();
      await input.fill(text);
      const send = page.locator('[data-testid=copilot-send-button][aria-label="Send"]');
      await send.and(page.locator(":enabled")).waitFor({ timeout: 15_000 });
      await input.press("Enter");
      await chat().getByText(text, { exact: true }).first().waitFor({ timeout: 15_000 });
    },
    waitForChat: (text: string | RegExp) => chat().getByText(text).first().waitFor({ timeout: 15_000 }),
  };
}
