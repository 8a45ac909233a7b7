import { ProviderError, type AdapterPart, type AdapterRequest, type ServiceAdapter } from "@copilot-runtime/protocol";
import type { GoogleGenerativeAI, RequestOptions } from "@google/generative-ai";
import { buildGeminiRequest } from "./gemini-request.js";
import { GeminiStreamState, type GeminiChunk } from "./gemini-stream.js";
import { abortError, toProviderError } from "./map-error.js";
import { envVar } from "./env.js";

export interface GoogleGenerativeAIAdapterOptions {
  /** Default "gemini-2.5-flash". */
  model?: string;
  /** Used when no client is given; default GOOGLE_API_KEY / GEMINI_API_KEY. */
  apiKey?: string;
  /** A configured `@google/generative-ai` client. */
  genAI?: GoogleGenerativeAI;
  /** Passed to `getGenerativeModel` (baseUrl, apiVersion, timeout, customHeaders). */
  requestOptions?: RequestOptions;
}

/**
 * Gemini through `@google/generative-ai`, the legacy SDK many CopilotKit apps
 * still have. Same conversion as `GoogleGenAIAdapter`; prefer that one for new code.
 */
export class GoogleGenerativeAIAdapter implements ServiceAdapter {
  readonly provider = "google";
  readonly model: string;
  private client: GoogleGenerativeAI | undefined;
  private readonly options: GoogleGenerativeAIAdapterOptions;

  constructor(options: GoogleGenerativeAIAdapterOptions = {}) {
    this.options = options;
    this.client = options.genAI;
    this.model = options.model ?? "gemini-2.5-flash";
  }

  private async getClient(): Promise<GoogleGenerativeAI> {
    if (this.client !== undefined) return this.client;
    const apiKey = this.options.apiKey ?? envVar("GOOGLE_API_KEY") ?? envVar("GEMINI_API_KEY");
    if (!apiKey) {
      throw new ProviderError(
        "provider_auth",
        "No Gemini API key: set GOOGLE_API_KEY (or GEMINI_API_KEY), or pass `apiKey` or `genAI` to GoogleGenerativeAIAdapter.",
        { provider: this.provider, status: 500 },
      );
    }
    let sdk: typeof import("@google/generative-ai");
    try {
      sdk = await import("@google/generative-ai");
    } catch (cause) {
      throw new ProviderError(
        "provider_error",
        "GoogleGenerativeAIAdapter needs the @google/generative-ai package: npm i @google/generative-ai",
        {
          provider: this.provider,
          cause,
          status: 500,
        },
      );
    }
    this.client = new sdk.GoogleGenerativeAI(apiKey);
    return this.client;
  }

  async *stream(request: AdapterRequest): AsyncIterable<AdapterPart> {
    const client = await this.getClient();
    const built = buildGeminiRequest(request);
    const apiKey = this.options.apiKey ?? client.apiKey;
    const state = new GeminiStreamState(apiKey);
    try {
      const model = client.getGenerativeModel(
        {
          model: this.model,
          ...(built.systemInstruction !== undefined ? { systemInstruction: built.systemInstruction } : {}),
          ...(built.tools ? { tools: built.tools as never } : {}),
          generationConfig: built.generationConfig,
        },
        this.options.requestOptions,
      );
      const result = await model.generateContentStream({ contents: built.contents as never }, { signal: request.signal });
      // The SDK also aggregates the stream into `response`; a failure would reject it unobserved.
      result.response.catch(() => undefined);
      for await (const chunk of result.stream) yield* state.parts(chunk as GeminiChunk);
    } catch (error) {
      if (request.signal.aborted) throw abortError(error);
      throw toProviderError(error, apiKey);
    }
    if (request.signal.aborted) throw abortError();
    yield* state.end();
  }
}
