import { describe, expect, it, vi } from "vitest";
import { composeMiddleware } from "./compose-middleware.js";
import type { OnAfterRequestOptions, OnBeforeRequestOptions, RequestContext } from "./middleware.js";

const context: RequestContext = { state: {} };
const request = new Request("http://localhost/api");
const before: OnBeforeRequestOptions = { threadId: "t", runId: "r", inputMessages: [], properties: {}, url: undefined, context };
const after: OnAfterRequestOptions = { ...before, outputMessages: [], durationMs: 1 };

describe("composeMiddleware", () => {
  it("answers with the first Response from onRequest and passes a replaced Request on", async () => {
    const replaced = new Request("http://localhost/replaced");
    const seen: string[] = [];
    const composed = composeMiddleware([
      { onRequest: () => replaced },
      false,
      undefined,
      { onRequest: ({ request: current }) => void seen.push(current.url) },
    ]);
    expect(await composed.onRequest({ request, path: "/api", context })).toBe(replaced);
    expect(seen).toEqual(["http://localhost/replaced"]);
    const answered = composeMiddleware([
      { onRequest: () => new Response("no", { status: 401 }) },
      { onRequest: () => void seen.push("late") },
    ]);
    const answer = await answered.onRequest({ request, path: "/api", context });
    expect(answer).toBeInstanceOf(Response);
    expect((answer as Response).status).toBe(401);
    expect(seen).toHaveLength(1);
    expect(await composeMiddleware([]).onRequest({ request, path: "/api", context })).toBeUndefined();
  });

  it("lets each onBeforeRequest see the replacements before it", async () => {
    const composed = composeMiddleware([
      { onBeforeRequest: ({ properties }) => ({ properties: { ...properties, a: 1 } }) },
      {
        onBeforeRequest: ({ properties }) => ({
          properties: { ...properties, b: properties.a },
          inputMessages: [{ id: "m", role: "user", content: "x" }],
        }),
      },
    ]);
    expect(await composed.onBeforeRequest(before)).toEqual({
      properties: { a: 1, b: 1 },
      inputMessages: [{ id: "m", role: "user", content: "x" }],
    });
  });

  it("runs every onAfterRequest and throws the first failure, or hands each failure to onHookError", async () => {
    const ran: string[] = [];
    const list = [
      {
        onAfterRequest: () => {
          throw new Error("first");
        },
      },
      {
        onAfterRequest: () => {
          ran.push("second");
          throw new Error("second");
        },
      },
      { onAfterRequest: () => void ran.push("third") },
    ];
    await expect(composeMiddleware(list).onAfterRequest(after)).rejects.toThrow("first");
    expect(ran).toEqual(["second", "third"]);
    const onHookError = vi.fn();
    await composeMiddleware(list, { onHookError }).onAfterRequest(after);
    expect(onHookError.mock.calls.map(([error, hook]) => [(error as Error).message, hook])).toEqual([
      ["first", "onAfterRequest"],
      ["second", "onAfterRequest"],
    ]);
  });

  it("keeps the response so far when an onResponse fails and onHookError is given", async () => {
    const first = new Response("first");
    const list = [
      { onResponse: () => first },
      {
        onResponse: () => {
          throw new Error("broken");
        },
      },
      { onResponse: ({ response }: { response: Response }) => new Response(`last saw ${response === first}`) },
    ];
    const onHookError = vi.fn();
    const response = await composeMiddleware(list, { onHookError }).onResponse({
      request,
      path: "/",
      context,
      response: new Response("x"),
    });
    expect(await response.text()).toBe("last saw true");
    expect(onHookError).toHaveBeenCalledTimes(1);
    await expect(composeMiddleware(list).onResponse({ request, path: "/", context, response: new Response("x") })).rejects.toThrow(
      "broken",
    );
  });

  it("tells every onError, even when one fails", async () => {
    const heard: string[] = [];
    const composed = composeMiddleware([
      {
        onError: () => {
          throw new Error("reporter broke");
        },
      },
      { onError: async ({ source }) => void heard.push(source) },
    ]);
    await composed.onError({ error: new Error("x"), source: "run" });
    expect(heard).toEqual(["run"]);
  });
});
