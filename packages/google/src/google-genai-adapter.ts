import type { GoogleGenAI } from "@google/genai";
import { nodeHttpFetch } from "@copilot-runtime/protocol";
import { GeminiAdapter, type GeminiBinding, type GeminiOptions } from "./gemini-adapter.js";
import { importOptionalSdk } from "./optional-sdk.js";

export interface GoogleGenAIAdapterOptions extends GeminiOptions {
  /**
   * A configured `@google/genai` client (Vertex AI, retries, its own `fetch`), used as it is. Without it the adapter
   * makes its own from `apiKey` (default: GOOGLE_API_KEY / GEMINI_API_KEY) and `baseURL`, on a keep-alive
   * `node:http` connection pool of its own, and reads the stream from the raw response.
   */
  genai?: GoogleGenAI;
  /** The base URL of the client the adapter makes (without `genai`), e.g. a gateway's. Default: the SDK's. */
  baseURL?: string;
}

function genaiBinding(baseURL: string | undefined): GeminiBinding<GoogleGenAI> {
  return {
    adapter: "GoogleGenAIAdapter",
    clientOption: "genai",
    async createClient(apiKey) {
      const sdk = await importOptionalSdk("@google/genai", "GoogleGenAIAdapter", () => import("@google/genai"));
      // Node's own keep-alive HTTP client (undefined on an edge runtime, which keeps the SDK's fetch)
      const rawFetch = nodeHttpFetch();
      const httpOptions = {
        ...(baseURL !== undefined ? { baseUrl: baseURL } : {}),
        ...(rawFetch !== undefined ? { fetch: rawFetch } : {}),
      };
      return { client: new sdk.GoogleGenAI({ apiKey, httpOptions }), ...(rawFetch !== undefined ? { rawFetch } : {}) };
    },
    // `GoogleGenAI` keeps its key in a private field: read only to redact it from errors
    apiKeyOf(client) {
      const apiKey = (client as unknown as { apiKey?: unknown }).apiKey;
      return typeof apiKey === "string" ? apiKey : undefined;
    },
    async generate(client, model, request, { signal, headers, rawFetch, continuationToken }) {
      // the response the SDK's request got, through the client's own fetch, when the raw stream is asked for
      let response: Response | undefined;
      const capture: typeof fetch | undefined =
        rawFetch === undefined ? undefined : async (input, init) => (response = await rawFetch(input, init));
      const httpOptions = {
        ...(headers !== undefined ? { headers: { ...headers } } : {}),
        ...(capture !== undefined ? { fetch: capture } : {}),
      };
      const chunks = await client.models.generateContentStream({
        model,
        contents: request.contents,
        config: {
          abortSignal: signal,
          ...(headers !== undefined || capture !== undefined ? { httpOptions } : {}),
          ...(continuationToken !== undefined ? { continuationToken } : {}),
          ...(request.systemInstruction !== undefined ? { systemInstruction: request.systemInstruction } : {}),
          ...(request.tools ? { tools: request.tools as never } : {}),
          ...request.generationConfig,
        },
      });
      // an SDK that did not call the given fetch (an older one) has read nothing: its chunks are the stream
      return response !== undefined ? { chunks, response } : { chunks };
    },
  };
}

/** Gemini through `@google/genai`, Google's supported SDK. */
export class GoogleGenAIAdapter extends GeminiAdapter<GoogleGenAI> {
  constructor(options: GoogleGenAIAdapterOptions = {}) {
    super(options, options.genai, genaiBinding(options.baseURL));
  }
}
