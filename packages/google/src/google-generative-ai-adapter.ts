import type { GoogleGenerativeAI, RequestOptions } from "@google/generative-ai";
import { GeminiAdapter, type GeminiBinding, type GeminiOptions } from "./gemini-adapter.js";
import { importOptionalSdk } from "./optional-sdk.js";

export interface GoogleGenerativeAIAdapterOptions extends GeminiOptions {
  /** A configured `@google/generative-ai` client. */
  genAI?: GoogleGenerativeAI;
  /** Passed to `getGenerativeModel` (baseUrl, apiVersion, timeout, customHeaders). */
  requestOptions?: RequestOptions;
}

/** The app's own `customHeaders` (a `Headers` or a record) as a record, to add the trace context to. */
function customHeadersOf(requestOptions: RequestOptions | undefined): Record<string, string> {
  const custom = requestOptions?.customHeaders;
  if (custom === undefined) return {};
  return custom instanceof Headers ? Object.fromEntries(custom.entries()) : { ...custom };
}

function legacyBinding(requestOptions: RequestOptions | undefined): GeminiBinding<GoogleGenerativeAI> {
  return {
    adapter: "GoogleGenerativeAIAdapter",
    clientOption: "genAI",
    async createClient(apiKey) {
      const sdk = await importOptionalSdk("@google/generative-ai", "GoogleGenerativeAIAdapter", () => import("@google/generative-ai"));
      return { client: new sdk.GoogleGenerativeAI(apiKey) };
    },
    async generate(client, model, request, { signal, headers }) {
      const generative = client.getGenerativeModel(
        {
          model,
          ...(request.systemInstruction !== undefined ? { systemInstruction: request.systemInstruction } : {}),
          ...(request.tools ? { tools: request.tools as never } : {}),
          generationConfig: request.generationConfig,
        },
        headers !== undefined ? { ...requestOptions, customHeaders: { ...customHeadersOf(requestOptions), ...headers } } : requestOptions,
      );
      const result = await generative.generateContentStream({ contents: request.contents as never }, { signal });
      // The SDK also aggregates the stream into `response`; a failure would reject it unobserved.
      result.response.catch(() => undefined);
      return { chunks: result.stream };
    },
    apiKeyOf: (client) => client.apiKey,
  };
}

/**
 * Gemini through `@google/generative-ai`, the legacy SDK many CopilotKit apps
 * still have. Same conversion as `GoogleGenAIAdapter`; prefer that one for new code.
 */
export class GoogleGenerativeAIAdapter extends GeminiAdapter<GoogleGenerativeAI> {
  constructor(options: GoogleGenerativeAIAdapterOptions = {}) {
    super(options, options.genAI, legacyBinding(options.requestOptions));
  }
}
