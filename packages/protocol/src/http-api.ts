import type { AgentCapabilities } from "@ag-ui/core";
import type { ErrorCode } from "./errors.js";
import type { JSONSchema } from "./json-schema.js";

/** The JSON body of every error answered before streaming (4xx/5xx). */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
}

export interface AgentInfo {
  name: string;
  description: string;
  className: string;
  /** What the agent can do, in AG-UI 1.0's terms, where known. */
  capabilities?: AgentCapabilities;
}

export interface ActionInfo {
  name: string;
  description: string;
  parameters: JSONSchema;
}

/** `GET {base}/info` */
export interface RuntimeInfo {
  version: string;
  agents: Record<string, AgentInfo>;
  actions: ActionInfo[];
  audioFileTranscriptionEnabled: boolean;
  mode: "sse";
  telemetryDisabled: true;
}

/** The single-route envelope CopilotKit's frontend posts to `{base}`. */
export interface SingleRouteEnvelope {
  method: "info" | "agent/run" | "agent/connect" | "agent/stop" | (string & {});
  params?: { agentId?: string; threadId?: string; [key: string]: unknown };
  body?: unknown;
}
