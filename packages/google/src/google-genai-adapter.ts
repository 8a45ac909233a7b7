import type { GoogleGenAI } from "@google/genai";
import { GeminiAdapter, type GeminiBinding, type GeminiOptions } from "./gemini-adapter.js";
import { importOptionalSdk } from "./optional-sdk.js";

export interface GoogleGenAIAdapterOptions extends GeminiOptions {
  /** A configured `@google/genai` client. Default: `new GoogleGenAI({ apiKey })` from GOOGLE_API_KEY / GEMINI_API_KEY. */
  genai?: GoogleGenAI;
}

const GENAI: GeminiBinding<GoogleGenAI> = {
  adapter: "GoogleGenAIAdapter",
  clientOption: "genai",
  async createClient(apiKey) {
    const sdk = await importOptionalSdk("@google/genai", "GoogleGenAIAdapter", () => import("@google/genai"));
    return new sdk.GoogleGenAI({ apiKey });
  },
  // `GoogleGenAI` keeps its key in a private field: read only to redact it from errors
  apiKeyOf(client) {
    const apiKey = (client as unknown as { apiKey?: unknown }).apiKey;
    return typeof apiKey === "string" ? apiKey : undefined;
  },
  generate: (client, model, request, { signal, headers }) =>
    client.models.generateContentStream({
      model,
      contents: request.contents,
      config: {
        abortSignal: signal,
        ...(headers !== undefined ? { httpOptions: { headers: { ...headers } } } : {}),
        ...(request.systemInstruction !== undefined ? { systemInstruction: request.systemInstruction } : {}),
        ...(request.tools ? { tools: request.tools as never } : {}),
        ...request.generationConfig,
      },
    }),
};

/** Gemini through `@google/genai`, Google's supported SDK. */
export class GoogleGenAIAdapter extends GeminiAdapter<GoogleGenAI> {
  constructor(options: GoogleGenAIAdapterOptions = {}) {
    super(options, options.genai, GENAI);
  }
}
