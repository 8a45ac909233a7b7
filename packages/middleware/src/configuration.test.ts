// Every misconfiguration is refused when the middleware is built, with a
// ConfigurationError (code `configuration_error`) naming what is wrong.
import { ConfigurationError } from "@copilot-runtime/protocol";
import { describe, expect, it } from "vitest";
import { apiKeyAuth, bearerAuth, bodyLimit, cors, rateLimit, requestLogger, usageMeter } from "./index.js";

function configurationErrorOf(build: () => unknown): ConfigurationError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).code).toBe("configuration_error");
    return error as ConfigurationError;
  }
  throw new Error("expected a ConfigurationError, nothing was thrown");
}

const cases: [string, () => unknown, string][] = [
  ["bearerAuth without verify", () => bearerAuth({} as never), "bearerAuth needs a verify(token) function."],
  ["bearerAuth without options", () => bearerAuth(undefined as never), "bearerAuth needs a verify(token) function."],
  ["apiKeyAuth without keys or verify", () => apiKeyAuth({} as never), "apiKeyAuth needs `keys` or a `verify(key)` function."],
  ["apiKeyAuth with no keys", () => apiKeyAuth({ keys: [] }), "apiKeyAuth: `keys` is empty and there is no verify(key)."],
  ["apiKeyAuth with an empty key map", () => apiKeyAuth({ keys: {} }), "apiKeyAuth: `keys` is empty and there is no verify(key)."],
  ["requestLogger without log", () => requestLogger({} as never), "requestLogger needs a log(entry) function."],
  ["bodyLimit with a negative size", () => bodyLimit({ maxBytes: -1 }), "bodyLimit: `maxBytes` must be a non-negative integer."],
  ["bodyLimit with a fraction", () => bodyLimit({ maxBytes: 1.5 }), "bodyLimit: `maxBytes` must be a non-negative integer."],
  ["bodyLimit without options", () => bodyLimit(undefined as never), "bodyLimit: `maxBytes` must be a non-negative integer."],
  ["cors without origin", () => cors({} as never), 'cors needs an `origin`, e.g. "https://app.example.com".'],
  [
    "cors with * and credentials",
    () => cors({ origin: "*", credentials: true }),
    'cors: `credentials: true` needs explicit origins; "*" would let any site call the runtime as the user.',
  ],
  [
    "cors with an origin of the wrong type",
    () => cors({ origin: 42 as never }),
    'cors: `origin` must be "*", an origin, a list of origins, a RegExp or a function.',
  ],
  ["rateLimit with limit 0", () => rateLimit({ limit: 0, windowMs: 1000 }), "rateLimit: `limit` must be a positive integer."],
  ["rateLimit without options", () => rateLimit(undefined as never), "rateLimit: `limit` must be a positive integer."],
  ["rateLimit without a window", () => rateLimit({ limit: 1 } as never), "rateLimit: `windowMs` must be a positive number."],
  [
    "rateLimit with a store that cannot count",
    () => rateLimit({ limit: 1, windowMs: 1000, store: {} as never }),
    "rateLimit: `store` needs a hit(key, windowMs) method.",
  ],
  [
    "rateLimit with a key that is not a function",
    () => rateLimit({ limit: 1, windowMs: 1000, key: "ip" as never }),
    "rateLimit: `key` must be a function.",
  ],
  [
    "rateLimit with a skip that is not a function",
    () => rateLimit({ limit: 1, windowMs: 1000, skip: true as never }),
    "rateLimit: `skip` must be a function.",
  ],
  [
    "usageMeter with an onUsage that is not a function",
    () => usageMeter({ onUsage: "log" as never }),
    "usageMeter: `onUsage` must be a function.",
  ],
];

describe("misconfiguration", () => {
  it.each(cases)("%s is a ConfigurationError", (_name, build, message) => {
    expect(configurationErrorOf(build).message).toBe(message);
  });

  it("accepts the configurations the README shows", () => {
    expect(() => [
      bearerAuth({ verify: () => null }),
      apiKeyAuth({ keys: ["k1"] }),
      apiKeyAuth({ keys: { k1: { id: "user-1" } } }),
      apiKeyAuth({ verify: () => null }),
      requestLogger({ log: () => undefined }),
      bodyLimit({ maxBytes: 0 }),
      cors({ origin: "*" }),
      cors({ origin: ["https://app.example.com"], credentials: true }),
      cors({ origin: /\.example\.com$/ }),
      cors({ origin: (origin) => origin.endsWith(".example.com") }),
      rateLimit({ limit: 30, windowMs: 60_000 }),
      usageMeter(),
    ]).not.toThrow();
  });
});
