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
import { GeminiRequestEnd, GeminiStreamState, type GeminiChunk } from "./gemini-stream.js";
import { toProviderError } from "./map-error.js";
import { readGeminiChunks } from "./read-gemini-chunks.js";

/** Per-call options of a Gemini request. */
export interface GeminiCallOptions {
  signal: AbortSignal;
  /** Extra HTTP headers (the trace context). */
  headers?: Readonly<Record<string, string>>;
  /** The `fetch` of a client the adapter made: the request is sent through it, and its raw response handed back. */
  rawFetch?: typeof fetch;
  /** Resume an answer from this checkpoint (Gemini's continuation). */
  continuationToken?: string;
}

/** A started answer: the SDK's chunks, or the raw response when the call asked for it (`rawFetch`). */
export interface GeminiStream {
  chunks: AsyncIterable<GeminiChunk>;
  /** The raw response, not read yet (the SDK's `chunks` are then left unread). */
  response?: Response;
}

/** A client, and the `fetch` it was made with when the adapter made it. */
export interface GeminiClient<Client> {
  client: Client;
  rawFetch?: typeof fetch;
}

export interface GeminiBinding<Client> {
  /** The adapter's class name, for error messages. */
  adapter: string;
  /** The adapter option that takes a ready client. */
  clientOption: string;
  /** A client for an API key (the SDK, an optional peer dependency, is loaded then). */
  createClient(apiKey: string): Promise<GeminiClient<Client>>;
  /** Starts one streamed answer. */
  generate(client: Client, model: string, request: GeminiRequest, options: GeminiCallOptions): Promise<GeminiStream>;
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
  private readonly connect: () => Promise<GeminiClient<Client> & { apiKey: string | undefined }>;

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
      return { ...(await binding.createClient(apiKey)), apiKey };
    });
  }

  async *stream(request: AdapterRequest): AsyncIterable<AdapterPart> {
    for await (const parts of this.streamBatches(request)) yield* parts;
  }

  /**
   * The parts of the answer, a batch per piece of the provider's answer read. On a client the adapter made, the
   * stream is read from the raw response (the SDK still makes the request: auth, retries, its errors); an answer
   * that goes on in further requests (Gemini's continuation) is then left to the SDK from its first checkpoint.
   */
  async *streamBatches(request: AdapterRequest): AsyncIterable<AdapterPart[]> {
    const { client, apiKey, rawFetch } = await this.connect();
    const state = new GeminiStreamState(apiKey);
    const gemini = buildGeminiRequest(request);
    const call: GeminiCallOptions = { signal: request.signal, ...(request.headers !== undefined ? { headers: request.headers } : {}) };
    try {
      const first = await this.binding.generate(client, this.model, gemini, { ...call, ...(rawFetch !== undefined ? { rawFetch } : {}) });
      let chunks: AsyncIterable<GeminiChunk> | undefined = first.chunks;
      if (first.response !== undefined) {
        const end = new GeminiRequestEnd();
        const failure = yield* readRaw(first.response, state, end);
        // What the SDK does when it reads the stream: an answer that stopped at a checkpoint (cleanly, or broken
        // off) goes on from it in a further request, unless aborted; the SDK's own loop takes over from there.
        const resumeToken = request.signal.aborted ? undefined : end.resumeToken;
        if (resumeToken !== undefined) {
          state.nextRequest();
          chunks = (await this.binding.generate(client, this.model, gemini, { ...call, continuationToken: resumeToken })).chunks;
        } else if (failure !== undefined) {
          throw failure.error;
        } else {
          chunks = undefined;
        }
      }
      if (chunks !== undefined) {
        for await (const chunk of chunks) {
          const parts = [...state.parts(chunk)];
          if (parts.length > 0) yield parts;
        }
      }
    } catch (error) {
      if (request.signal.aborted) throw abortError(error);
      throw toProviderError(error, apiKey);
    }
    if (request.signal.aborted) throw abortError();
    yield [...state.end()];
  }
}

/**
 * The parts of a raw response's chunks, a batch per body read (the parts before a failure first); resolves with the
 * failure, if any, for the caller to weigh against Gemini's continuation.
 */
async function* readRaw(
  response: Response,
  state: GeminiStreamState,
  end: GeminiRequestEnd,
): AsyncGenerator<AdapterPart[], { error: unknown } | undefined> {
  try {
    for await (const batch of readGeminiChunks(response)) {
      const parts: AdapterPart[] = [];
      let failure: { error: unknown } | undefined;
      try {
        for (const chunk of batch) {
          end.observe(chunk);
          for (const part of state.parts(chunk)) parts.push(part);
        }
      } catch (error) {
        failure = { error };
      }
      if (parts.length > 0) yield parts;
      if (failure !== undefined) return failure;
    }
  } catch (error) {
    return { error };
  }
  return undefined;
}
