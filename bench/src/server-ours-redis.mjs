// Copilot Runtime with the Redis run store: server-ours.mjs + RedisRunStore on the bench's own redis-server.
import { CopilotRuntime } from "@copilot-runtime/core";
import { RedisRunStore } from "@copilot-runtime/redis";
import { openaiAdapter } from "./ours-openai.mjs";
import { SAY_HELLO, serve } from "./serve-ours.mjs";

const [baseURL, redisUrl] = process.argv.slice(2);
const copilotRuntime = new CopilotRuntime({
  actions: [SAY_HELLO],
  runStore: new RedisRunStore({ url: redisUrl }),
  onError: ({ error, source }) => console.error(`[${source}]`, error instanceof Error ? error.message : error),
});
const serviceAdapter = openaiAdapter(baseURL);
serve(copilotRuntime, serviceAdapter);
