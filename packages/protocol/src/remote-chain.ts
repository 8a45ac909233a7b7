import type { ActionDefinition, Parameter } from "./action.js";

/** Headers to send to a remote chain: fixed, or computed per call (e.g. a fresh token). */
export type ChainHeaders = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/** A remote LangServe chain offered to the LLM as a server-side action (CopilotKit's `langserve` option). */
export interface LangServeChainConfig {
  /** The chain's base URL, e.g. "http://localhost:8000/joke" (serving /invoke, /stream, /input_schema). */
  chainUrl: string;
  name: string;
  description: string;
  /** CopilotKit parameters; inferred from `{chainUrl}/input_schema` when left out. */
  parameters?: Parameter[];
  /** "single": the chain takes the first parameter's bare value; "multi" (default): the arguments object. */
  parameterType?: "single" | "multi";
  /** Call `/stream` and stream the chain's output to the client as it comes. */
  stream?: boolean;
  /** Sent with every request to the chain (e.g. auth). */
  headers?: ChainHeaders;
}

/** Actions that may need network I/O to be known (e.g. schemas inferred from a remote server). */
export interface ActionSource {
  /** The actions; a rejection is a clear error for the request, and the next call tries again. */
  resolve(): Promise<ActionDefinition[]>;
}
