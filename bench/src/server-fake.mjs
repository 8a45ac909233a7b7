// A fake provider server in its own process: OpenAI (Chat Completions and Responses API; the default), Anthropic
// (`anthropic`) or Gemini (`gemini`), as the first argument says. Every request is answered by `answerFor`.
import { createFakeAnthropic, createFakeGemini, createFakeOpenAI } from "@copilot-runtime/testing";
import { ABORT_PROMPT, answerFor } from "./scenario.mjs";

const provider = process.argv[2] ?? "openai";
const create = { openai: createFakeOpenAI, anthropic: createFakeAnthropic, gemini: createFakeGemini }[provider];
if (!create) throw new Error(`unknown fake provider ${provider}`);
const fake = await create();
// How the provider requests ended, for the soak: those of runs whose client leaves (ABORT_PROMPT) are held open
// after the first words, so the only way they end is being closed early by the runtime; every other one must end normally.
const requests = { abortRuns: 0, abortRunsClosedEarly: 0, abortRunsEnded: 0, others: 0, othersClosedEarly: 0 };
// Which API paths were asked (e.g. /v1/chat/completions or /v1/responses), for the bench to report what each target uses.
let paths = {};
fake.respond((body, request) => {
  const path = request.path.split("?")[0];
  paths[path] = (paths[path] ?? 0) + 1;
  const answer = answerFor(body);
  if (!JSON.stringify(body).includes(ABORT_PROMPT)) {
    requests.others++;
    void request.closedEarly.then((early) => void (early && requests.othersClosedEarly++));
    return answer;
  }
  requests.abortRuns++;
  void request.closedEarly.then((early) => void (early ? requests.abortRunsClosedEarly++ : requests.abortRunsEnded++));
  // frames: the role, two words, then nothing until the request is closed
  return { ...answer, holdAfter: 3, hold: request.closedEarly.then(() => undefined) };
});
// keep the request log from growing during the benchmark
setInterval(() => fake.requests.splice(0), 1000).unref();
process.on("message", (message) => {
  if (message === "requests") process.send?.({ requests: { ...requests } });
  // the bench collects the fake's garbage between rounds, so that one target's round does not pay for another's
  if (message === "gc") {
    globalThis.gc?.();
    process.send?.({ collected: true });
  }
  if (message === "paths") {
    process.send?.({ paths });
    paths = {};
  }
});
process.send?.({ ready: true, url: fake.url, baseURL: fake.baseURL });
