// Copilot Runtime behind the middleware a deployment puts in front of it: server-ours.mjs + cors() + bearerAuth() +
// rateLimit() from @copilot-runtime/middleware. The load generator sends `Authorization: Bearer bench-token` and an
// `Origin`, and checks that the CORS and rate-limit headers came back.
import { CopilotRuntime } from "@copilot-runtime/core";
import { bearerAuth, cors, rateLimit } from "@copilot-runtime/middleware";
import { openaiAdapter } from "./ours-openai.mjs";
import { SAY_HELLO, serve } from "./serve-ours.mjs";

const baseURL = process.argv[2];
const copilotRuntime = new CopilotRuntime({
  actions: [SAY_HELLO],
  middleware: [
    cors({ origin: ["https://app.example.com"], credentials: true }),
    bearerAuth({ verify: (token) => (token === "bench-token" ? { id: "bench-user" } : null) }),
    // one user, counted per request, never over the limit: what counting costs, not what refusing does
    rateLimit({ limit: 1_000_000_000, windowMs: 60_000 }),
  ],
});
const serviceAdapter = openaiAdapter(baseURL);
serve(copilotRuntime, serviceAdapter, {
  headers: { authorization: "Bearer bench-token", origin: "https://app.example.com" },
  expectHeaders: ["access-control-allow-origin", "ratelimit-remaining"],
});
