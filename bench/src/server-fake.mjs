// The fake OpenAI server (Chat Completions and Responses API), in its own process.
import { createFakeOpenAI } from "@copilot-runtime/testing";
import { ABORT_PROMPT, answerFor } from "./scenario.mjs";

const fake = await createFakeOpenAI();
// How the provider requests ended, for the soak: those of runs whose client leaves (ABORT_PROMPT) are held open
// after the first words, so the only way they end is being closed early by the runtime; every other one must end normally.
const requests = { abortRuns: 0, abortRunsClosedEarly: 0, abortRunsEnded: 0, others: 0, othersClosedEarly: 0 };
fake.respond((body, request) => {
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
});
process.send?.({ ready: true, url: fake.url, baseURL: fake.baseURL });
