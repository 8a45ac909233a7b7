// CopilotKit's React chat (the demo page) in Chromium against two demo instances that share one Redis,
// behind a round-robin proxy: a reload in the middle of an answer lands on the other instance.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ClientDisconnectPolicy } from "@copilot-runtime/core";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOfflineModel } from "./offline-model.js";
import { createDemoServer, ENDPOINT, runStoreFromEnv, type DemoRunStore } from "./server.js";
import { demoChat, hasBrowser, launchChromium } from "./test-browser.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "./test-proxy.js";
import { hasRedisServer, startTestRedis, type TestRedis } from "./test-redis-server.js";

const RUN = `${ENDPOINT}/agent/default/run`;
const CONNECT = `${ENDPOINT}/agent/default/connect`;
const STORY_SENTENCES = 30; // the offline model's long story: "Once upon a time, ... a patient reader." 30 times

describe.skipIf(!hasBrowser || !hasRedisServer)("the demo page in Chromium, two instances on one Redis behind a round-robin proxy", () => {
  let redis: TestRedis;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [redis, browser] = await Promise.all([startTestRedis(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await redis?.close();
  });
  beforeEach(async () => {
    await page?.close();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  });

  /** Two demo instances, each with its own RedisRunStore on the test's Redis, behind the proxy. */
  function instances(onClientDisconnect: ClientDisconnectPolicy) {
    const stores: DemoRunStore[] = [];
    const servers: Server[] = [];
    const aborted: number[] = []; // the instances that reported a run aborted by its client leaving
    const state: { proxy?: RoundRobinProxy } = {};
    beforeAll(async () => {
      const backends: string[] = [];
      for (let instance = 0; instance < 2; instance++) {
        const store = runStoreFromEnv({ REDIS_URL: redis.url });
        await store.ready();
        const server = createDemoServer(createOfflineModel(20), {
          runStore: store.runStore,
          onClientDisconnect,
          onError: ({ error }) => {
            if ((error as { code?: string }).code === "aborted") aborted.push(instance);
          },
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        stores.push(store);
        servers.push(server);
        backends.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      }
      state.proxy = await startRoundRobinProxy(backends);
    });
    afterAll(async () => {
      await state.proxy?.close();
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await Promise.all(stores.map((store) => store.close()));
    });
    return {
      proxy: () => state.proxy!,
      aborted,
    };
  }

  const sentences = async () => ((await demoChat(page).chat().innerText()).match(/patient reader\./g) ?? []).length;

  /**
   * Asks for the long story, and reloads the page in the middle of it. CopilotKit sends several `connect`s on a
   * load (React StrictMode), which plain alternation would spread over both instances: so the instance running
   * the answer is taken out of the rotation first (as a rolling deploy does), and the reloaded page can reach
   * only the other one. Resolves once the page shows the thread again, with the reloaded page's `connect`s.
   */
  async function reloadMidAnswer(proxy: RoundRobinProxy) {
    const { open, ask, waitForChat } = demoChat(page);
    await open(proxy.base);
    await ask("tell me a long story");
    await waitForChat(/Once upon a time/);
    expect(await sentences()).toBeLessThan(STORY_SENTENCES);

    const runs = proxy.log.filter((entry) => entry.path === RUN);
    expect(runs).toHaveLength(1);
    const runner = runs[0]!.backend;
    const other = 1 - runner;
    // before the reload, the page's requests went to both instances
    expect(new Set(proxy.log.map((entry) => entry.backend))).toEqual(new Set([0, 1]));

    proxy.drain(runner);
    const mark = proxy.log.length;
    const connects: Request[] = [];
    const onRequest = (request: Request) => void (request.url().endsWith(CONNECT) && connects.push(request));
    page.on("request", onRequest);
    await page.reload();
    await waitForChat("tell me a long story");
    const afterReload = proxy.log.slice(mark);
    expect(afterReload.filter((entry) => entry.path === CONNECT).length).toBeGreaterThan(0);
    expect(afterReload.every((entry) => entry.backend === other)).toBe(true);
    /** Every `connect` of the reloaded page has ended: a connect that follows a live run ends with the run. */
    const connectsEnded = async () => {
      await Promise.all(connects.map(async (request) => (await request.response())?.finished()));
      page.off("request", onRequest);
    };
    return { runner, connectsEnded };
  }

  describe('onClientDisconnect: "continue"', () => {
    const cluster = instances("continue");

    it("after a reload mid-answer, the other instance shows the answer going on to its end", async () => {
      const proxy = cluster.proxy();
      const { runner, connectsEnded } = await reloadMidAnswer(proxy);
      const { chat, ask, waitForChat } = demoChat(page);

      // the reloaded page joined the run while it was going (it had not reached its end) ...
      await waitForChat(/Once upon a time/);
      expect(await sentences()).toBeLessThan(STORY_SENTENCES);
      // ... and follows it, through Redis, to its last sentence
      await chat()
        .getByText(new RegExp(`^(Once upon a time, a runtime streamed tokens to a patient reader\\. ?){${STORY_SENTENCES}}$`))
        .waitFor({ timeout: 20_000 });
      await connectsEnded();
      expect(cluster.aborted).toEqual([]); // nothing was aborted
      // the answer ran once, on the instance the reloaded page never reached
      expect(proxy.log.filter((entry) => entry.path === RUN)).toEqual([{ method: "POST", path: RUN, backend: runner }]);

      // the thread is free again and goes on, on either instance; a reload replays the whole of it
      proxy.restore();
      await ask("say hello to Bob");
      await waitForChat(/The server action answered: Hello, Bob!/);
      await page.reload();
      await waitForChat(/The server action answered: Hello, Bob!/);
      expect(await sentences()).toBe(STORY_SENTENCES);
    });
  });

  describe('onClientDisconnect: "abort"', () => {
    const cluster = instances("abort");

    it("after a reload mid-answer, the other instance shows the thread as the abort left it", async () => {
      const proxy = cluster.proxy();
      const { runner, connectsEnded } = await reloadMidAnswer(proxy);
      const { ask, waitForChat } = demoChat(page);

      // the reload aborted the answer on its instance; the page shows the thread cut there (never the whole story)
      await connectsEnded();
      expect(cluster.aborted).toEqual([runner]);
      expect(await sentences()).toBeLessThan(STORY_SENTENCES);

      // the thread as saved: the question, without the unfinished answer (a run keeps only its finished steps)
      proxy.restore();
      await page.reload();
      await waitForChat("tell me a long story");
      expect(await sentences()).toBe(0);
      // and it is free: the next question is answered
      await ask("say hello to Bob");
      await waitForChat(/The server action answered: Hello, Bob!/);
      expect(proxy.log.filter((entry) => entry.path === RUN)).toHaveLength(2);
    });
  });
});
