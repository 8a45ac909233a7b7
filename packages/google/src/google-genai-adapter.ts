import { ProviderError, type AdapterPart, type AdapterRequest, type ServiceAdapter } from "@copilot-runtime/protocol";
import type { GoogleGenAI } from "@google/genai";
import { buildGeminiRequest } from "./gemini-request.js";
import { GeminiStreamState, type GeminiChunk } from "./gemini-stream.js";
import { abortError, toProviderError } from "./map-error.js";
import { envVar } from "./env.js";

export interface GoogleGenAIAdapterOptions {
  /** A configured `@google/genai` client. Default: `new GoogleGenAI({ apiKey })` from GOOGLE_API_KEY / GEMINI_API_KEY. */
  genai?: GoogleGenAI;
  /** Default "gemini-2.5-flash". */
  model?: string;
  /** Used when no client is given. */
  apiKey?: string;
}

/** Gemini through `@google/genai`, Google's supported SDK. */
export class GoogleGenAIAdapter implements ServiceAdapter {
  readonly provider = "google";
  readonly model: string;
  private client: GoogleGenAI | undefined;
  private readonly options: GoogleGenAIAdapterOptions;

  constructor(options: GoogleGenAIAdapterOptions = {}) {
    this.options = options;
    this.client = options.genai;
    this.model = options.model ?? "gemini-2.5-flash";
  }

  private async getClient(): Promise<GoogleGenAI> {
    if (this.client !== undefined) return this.client;
    const apiKey = this.options.apiKey ?? envVar("GOOGLE_API_KEY") ?? envVar("GEMINI_API_KEY");
    if (!apiKey) {
      throw new ProviderError(
        "provider_auth",
        "No Gemini API key: set GOOGLE_API_KEY (or GEMINI_API_KEY), or pass `apiKey` or `genai` to GoogleGenAIAdapter.",
        {
          provider: this.provider,
          status: 500,
        },
      );
    }
    let sdk: typeof import("@google/genai");
    try {
      sdk = await import("@google/genai");
    } catch (cause) {
      throw new ProviderError("provider_error", "GoogleGenAIAdapter needs the @google/genai package: npm i @google/genai", {
        provider: this.provider,
        cause,
        status: 500,
      });
    }
    this.client = new sdk.GoogleGenAI({ apiKey });
    return this.client;
  }

  async *stream(request: AdapterRequest): AsyncIterable<AdapterPart> {
    const client = await this.getClient();
    const built = buildGeminiRequest(request);
    const state = new GeminiStreamState(this.options.apiKey);
    try {
      const stream = await client.models.generateContentStream({
        model: this.model,
        contents: built.contents,
        config: {
          abortSignal: request.signal,
          ...(built.systemInstruction !== undefined ? { systemInstruction: built.systemInstruction } : {}),
          ...(built.tools ? { tools: built.tools as never } : {}),
          ...built.generationConfig,
        },
      });
      for await (const chunk of stream) yield* state.parts(chunk as GeminiChunk);
    } catch (error) {
      if (request.signal.aborted) throw abortError(error);
      throw toProviderError(error, this.options.apiKey);
    }
    if (request.signal.aborted) throw abortError();
    yield* state.end();
  }
}
