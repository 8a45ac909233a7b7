import type { JSONSchema } from "./json-schema.js";

/** Parameter types as CopilotKit users write them. */
export type ParameterType = "string" | "number" | "boolean" | "object" | "object[]" | "string[]" | "number[]" | "boolean[]";

/** A parameter in CopilotKit's shape. `required` defaults to `true`. */
export interface Parameter {
  name: string;
  /** Defaults to `"string"`. */
  type?: ParameterType;
  description?: string;
  required?: boolean;
  enum?: string[];
  /** The fields of an `object` / `object[]` parameter. */
  attributes?: Parameter[];
}

/** Who is calling, once an auth middleware verified it. */
export interface Identity {
  /** A stable id of the user (or API client). */
  id: string;
  [key: string]: unknown;
}

/** What a handler receives besides its arguments. */
export interface ActionContext {
  /** Aborted when the client disconnects or the run is stopped. */
  signal: AbortSignal;
  /** The request's properties (from `forwardedProps`). */
  properties: Record<string, unknown>;
  /** The runtime URL of the request, when known. */
  url: string | undefined;
  threadId: string;
  runId: string;
  toolCallId: string;
  /** The verified caller, when an auth middleware set one. */
  identity?: Identity;
}

/**
 * What a handler may return: a string (sent as is), an async iterable of
 * strings (streamed to the client as it comes), or anything else
 * (JSON-serialized). A promise of any of these is awaited.
 */
export type ActionResult = unknown;

/** A zod (v4) schema, recognised structurally so zod stays optional for users. */
export interface ZodLikeSchema {
  _zod: unknown;
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: ZodLikeIssue[] } };
}

export interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
}

/** A server-side action, as CopilotKit users write it. */
export interface Action<Args = Record<string, unknown>> {
  name: string;
  description?: string;
  /** CopilotKit parameters, a JSON Schema of an object, or a zod object schema. */
  parameters?: readonly Parameter[] | JSONSchema | ZodLikeSchema;
  // Method syntax on purpose: a handler typed for its own arguments fits any Action.
  handler(args: Args, context: ActionContext): ActionResult | Promise<ActionResult>;
}

/** An argument annotation of CopilotKit 0.x (`useMakeCopilotActionable`, `CopilotBackend`). */
export interface ArgumentAnnotation {
  name: string;
  type: "string" | "number" | "boolean" | "object" | "array";
  description?: string;
  required?: boolean;
  items?: { type: string };
}

/** The older spelling: arguments are passed positionally, in annotation order. */
export interface LegacyAction {
  name: string;
  description?: string;
  argumentAnnotations: ArgumentAnnotation[];
  implementation(...args: unknown[]): ActionResult | Promise<ActionResult>;
}

export type ActionDefinition = Action | LegacyAction;

type ParameterValue<P extends Parameter> = P extends { type: "number" }
  ? number
  : P extends { type: "boolean" }
    ? boolean
    : P extends { type: "string[]" }
      ? string[]
      : P extends { type: "number[]" }
        ? number[]
        : P extends { type: "boolean[]" }
          ? boolean[]
          : P extends { type: "object"; attributes: infer A extends readonly Parameter[] }
            ? ArgsOfParameters<A>
            : P extends { type: "object[]"; attributes: infer A extends readonly Parameter[] }
              ? ArgsOfParameters<A>[]
              : P extends { type: "object" }
                ? Record<string, unknown>
                : P extends { type: "object[]" }
                  ? Record<string, unknown>[]
                  : P extends { enum: readonly (infer E)[] }
                    ? E
                    : string;

/** The arguments object described by CopilotKit parameters. */
export type ArgsOfParameters<Ps extends readonly Parameter[]> = {
  [P in Ps[number] as P extends { required: false } ? never : P["name"]]: ParameterValue<P>;
} & {
  [P in Ps[number] as P extends { required: false } ? P["name"] : never]?: ParameterValue<P>;
};

/** The arguments a handler receives for a given `parameters` value. */
export type ArgsOf<S> = S extends readonly Parameter[]
  ? ArgsOfParameters<S>
  : S extends { _zod: { output: infer O } }
    ? O
    : Record<string, unknown>;

/**
 * Defines an action with its handler's arguments typed from `parameters`
 * (CopilotKit parameters or a zod schema).
 */
export function defineAction<const S extends readonly Parameter[] | JSONSchema | ZodLikeSchema>(action: {
  name: string;
  description?: string;
  parameters: S;
  handler: (args: ArgsOf<S>, context: ActionContext) => ActionResult | Promise<ActionResult>;
}): Action {
  return action as Action;
}
