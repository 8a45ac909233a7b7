import {
  abortError,
  memoizeUntilRejected,
  missingApiKeyError,
  type AdapterPart,
  type AdapterRequest,
  type ServiceAdapter,
} from "@copilot-runtime/protocol";
import { envVar } from "./env.js";
import { buildGeminiRequest, type GeminiRequest } from "./gemini-request.js";
import { GeminiStreamState, type GeminiChunk } from "./gemini-stream.js";
import { toProviderError } from "./map-error.js";

/** How one Google SDK makes a client and streams an answer. */
/** Per-call options of a Gemini request. */
export interface GeminiCallOptions {
  signal: AbortSignal;
  /** Extra HTTP headers (the trace context). */
  headers?: Readonly<Record<string, string>>;
}

export interface GeminiBinding<Client> {
  /** The adapter's class name, for error messages. */
  adapter: string;
  /** The adapter option that takes a ready client. */
  clientOption: string;
  /** A client for an API key (the SDK, an optional peer dependency, is loaded then). */
  createClient(apiKey: string): Promise<Client>;
  /** Starts one streamed answer. */
  generate(client: Client, model: string, request: GeminiRequest, options: GeminiCallOptions): Promise<AsyncIterable<GeminiChunk>>;
  /** The key a ready client holds, to keep it out of error messages. */
  apiKeyOf?(client: Client): string | undefined;
}

/** The options both Gemini adapters share. */
export interface GeminiOptions {
  /** Default "gemini-2.5-flash". */
  model?: string;
  /** Used when no client is given; default GOOGLE_API_KEY / GEMINI_API_KEY. */
  apiKey?: string;
}

const API_KEY_VARIABLES = ["GOOGLE_API_KEY", "GEMINI_API_KEY"];

/** Gemini through either Google SDK: one conversion, one stream reader, one error mapping. */
export class GeminiAdapter<Client> implements ServiceAdapter {
  readonly provider = "google";
  readonly model: string;
  private readonly connect: () => Promise<{ client: Client; apiKey: string | undefined }>;

  constructor(
    options: GeminiOptions,
    client: Client | undefined,
    private readonly binding: GeminiBinding<Client>,
  ) {
    this.model = options.model ?? "gemini-2.5-flash";
    // Made on first use, and again after a failure (e.g. the key was set later).
    this.connect = memoizeUntilRejected(async () => {
      if (client !== undefined) return { client, apiKey: options.apiKey ?? binding.apiKeyOf?.(client) };
      const apiKey = options.apiKey ?? envVar("GOOGLE_API_KEY") ?? envVar("GEMINI_API_KEY");
      if (!apiKey) {
        const option = `\`apiKey\` or \`${binding.clientOption}\``;
        throw missingApiKeyError({ adapter: binding.adapter, envVars: API_KEY_VARIABLES, option });
      }
      return { client: await binding.createClient(apiKey), apiKey };
    });
  }

  async *stream(request: AdapterRequest): AsyncIterable<AdapterPart> {
    const { client, apiKey } = await this.connect();
    const state = new GeminiStreamState(apiKey);
    try {
      const chunks = await this.binding.generate(client, this.model, buildGeminiRequest(request), {
        signal: request.signal,
        ...(request.headers !== undefined ? { headers: request.headers } : {}),
      });
      for await (const chunk of chunks) yield* state.parts(chunk);
    } catch (error) {
      if (request.signal.aborted) throw abortError(error);
      throw toProviderError(error, apiKey);
    }
    if (request.signal.aborted) throw abortError();
    yield* state.end();
  }
}
