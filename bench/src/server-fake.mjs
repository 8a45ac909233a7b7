// The fake OpenAI server (Chat Completions and Responses API), in its own process.
import { createFakeOpenAI } from "@copilot-runtime/testing";
import { answerFor } from "./scenario.mjs";

const fake = await createFakeOpenAI();
fake.respond((body) => answerFor(body));
// keep the request log from growing during the benchmark
setInterval(() => fake.requests.splice(0), 1000).unref();
process.send?.({ ready: true, url: fake.url, baseURL: fake.baseURL });
