import { APICallError } from "@ai-sdk/provider";
import { ConfigurationError, ProviderError } from "@copilot-runtime/protocol";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { streamErrorCode, toProviderError, type ErrorContext } from "./map-error.js";

const context = (signal = new AbortController().signal): ErrorContext => ({
  provider: "amazon-bedrock",
  label: "The amazon-bedrock model (AI SDK)",
  signal,
  secrets: ["bedrockSecret0123456789TAIL"],
});

const apiCallError = (statusCode: number | undefined, extra: Partial<ConstructorParameters<typeof APICallError>[0]> = {}) =>
  new APICallError({ message: "failed", url: "http://127.0.0.1/model/x/converse-stream", requestBodyValues: {}, statusCode, ...extra });

describe("toProviderError", () => {
  it("maps an APICallError by status, with retry-after from its response headers", () => {
    const cases: [number, string][] = [
      [400, "provider_bad_request"],
      [401, "provider_auth"],
      [403, "provider_auth"],
      [404, "provider_bad_request"],
      [408, "timeout"],
      [429, "rate_limited"],
      [500, "provider_error"],
      [502, "provider_unavailable"],
      [503, "provider_unavailable"],
      [504, "timeout"],
      [529, "provider_unavailable"],
    ];
    for (const [status, code] of cases)
      expect(toProviderError(apiCallError(status), context()), String(status)).toMatchObject({ code, providerStatus: status });
    expect(toProviderError(apiCallError(429, { responseHeaders: { "retry-after": "7" } }), context())).toMatchObject({ retryAfter: 7 });
  });

  it("uses AWS's x-amzn-errortype where the status says less", () => {
    const typed = (status: number, type: string) =>
      apiCallError(status, { responseHeaders: { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` } });
    expect(toProviderError(typed(424, "ModelErrorException"), context())).toMatchObject({ code: "provider_error", providerStatus: 424 });
    expect(toProviderError(typed(429, "ModelNotReadyException"), context())).toMatchObject({ code: "provider_unavailable" });
    expect(toProviderError(typed(400, "ServiceQuotaExceededException"), context())).toMatchObject({ code: "rate_limited" });
    expect(toProviderError(typed(429, "ThrottlingException"), context())).toMatchObject({ code: "rate_limited" });
  });

  it("takes Gemini's 400 for a bad key as an auth error", () => {
    const body = JSON.stringify({
      error: { code: 400, message: "API key not valid. Please pass a valid API key.", status: "INVALID_ARGUMENT" },
    });
    expect(toProviderError(apiCallError(400, { responseBody: body }), context())).toMatchObject({
      code: "provider_auth",
      providerStatus: 400,
    });
  });

  it("maps a connection that could not be made, and a broken one, to provider_unavailable", () => {
    const refused = apiCallError(undefined, {
      cause: Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }),
      isRetryable: true,
    });
    expect(toProviderError(refused, context())).toMatchObject({ code: "provider_unavailable" });
    expect(toProviderError(new TypeError("terminated"), context())).toMatchObject({ code: "provider_unavailable" });
  });

  it("maps an error object sent mid-stream by its type, else provider_error", () => {
    expect(toProviderError({ type: "overloaded_error", message: "Overloaded" }, context())).toMatchObject({ code: "provider_unavailable" });
    expect(toProviderError({ error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "quota" } }, context())).toMatchObject({
      code: "rate_limited",
    });
    expect(toProviderError({ message: "The model encountered an error" }, context())).toMatchObject({ code: "provider_error" });
    expect(toProviderError(undefined, context())).toBeInstanceOf(ProviderError);
  });

  it("keeps an abort an abort, and the runtime's own errors as they are", () => {
    const controller = new AbortController();
    controller.abort();
    expect(toProviderError(new Error("whatever"), context(controller.signal))).toMatchObject({ name: "AbortError" });
    const own = new ConfigurationError("bad setup");
    expect(toProviderError(own, context())).toBe(own);
  });

  it("turns a missing key, region or credentials into a configuration error", () => {
    const missing = Object.assign(
      new Error("AWS region setting is missing. Pass it using the 'region' parameter or the AWS_REGION environment variable."),
      {
        name: "AI_LoadSettingError",
      },
    );
    const mapped = toProviderError(missing, context());
    expect(mapped).toBeInstanceOf(ConfigurationError);
    expect(mapped.message).toMatch(/^The amazon-bedrock model \(AI SDK\) is not configured: AWS region setting is missing/);
  });

  it("removes the given secrets from the message and from the error kept as cause", () => {
    const leaky = apiCallError(403, {
      message: "bad secret bedrockSecret0123456789TAIL",
      responseBody: '{"message":"bedrockSecret0123456789TAIL"}',
    });
    const mapped = toProviderError(leaky, context());
    expect(inspect(mapped, { depth: 10 })).not.toContain("bedrockSecret0123456789TAIL");
  });
});

describe("streamErrorCode", () => {
  it("reads type, status or code, on the object or its error, and nothing else", () => {
    expect(streamErrorCode({ type: "rate_limit_error" })).toBe("rate_limited");
    expect(streamErrorCode({ status: "UNAVAILABLE" })).toBe("provider_unavailable");
    expect(streamErrorCode({ error: { code: "insufficient_quota" } })).toBe("rate_limited");
    expect(streamErrorCode({ type: "toString" })).toBeUndefined();
    expect(streamErrorCode("overloaded_error")).toBeUndefined();
    expect(streamErrorCode(null)).toBeUndefined();
  });
});
