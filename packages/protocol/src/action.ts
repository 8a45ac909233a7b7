import type { ArgsOf, ArgsOfAnnotations } from "./action-args.js";

/** Parameter types as CopilotKit users write them. */
export type ParameterType = "string" | "number" | "boolean" | "object" | "object[]" | "string[]" | "number[]" | "boolean[]";

/** A parameter in CopilotKit's shape. `required` defaults to `true`. */
export interface Parameter {
  name: string;
  /** Defaults to `"string"`. */
  type?: ParameterType;
  description?: string;
  required?: boolean;
  /** The allowed values of a `string` parameter. */
  enum?: readonly string[];
  /** The fields of an `object` / `object[]` parameter. */
  attributes?: readonly Parameter[];
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
  /**
   * The trace context of this call (`traceparent`, `tracestate`) when the app turned telemetry on: send these
   * headers with the requests the handler makes, and the servers it calls join the trace. Absent otherwise.
   */
  traceHeaders?: Readonly<Record<string, string>>;
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

/**
 * A JSON Schema as users write it for an action's parameters: `JSONSchema`
 * with readonly arrays, so that a schema written `as const` (or inferred as
 * a constant) fits.
 */
export interface JSONSchemaInput {
  type?: string | readonly string[];
  description?: string;
  properties?: { readonly [name: string]: JSONSchemaInput };
  required?: readonly string[];
  items?: JSONSchemaInput | readonly JSONSchemaInput[];
  enum?: readonly unknown[];
  additionalProperties?: boolean | JSONSchemaInput;
  [keyword: string]: unknown;
}

/** What an action's `parameters` may be: CopilotKit parameters, a JSON Schema of an object, or a zod object schema. */
export type ActionParameters = readonly Parameter[] | JSONSchemaInput | ZodLikeSchema;

/** A server-side action, as CopilotKit users write it. */
export interface Action<Args = Record<string, unknown>> {
  name: string;
  description?: string;
  /** CopilotKit parameters, a JSON Schema of an object, or a zod object schema. */
  parameters?: ActionParameters;
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
  argumentAnnotations: readonly ArgumentAnnotation[];
  implementation(...args: unknown[]): ActionResult | Promise<ActionResult>;
}

export type ActionDefinition = Action | LegacyAction;

/**
 * What `parameters` must be, given what was written (`S`): `S` itself when it
 * fits, else the one shape it was meant to be (so that an error names the
 * offending field).
 */
type ParametersInput<S> = unknown extends S
  ? ActionParameters
  : S extends ActionParameters
    ? S
    : S extends readonly unknown[]
      ? readonly Parameter[]
      : S extends { _zod: unknown }
        ? ZodLikeSchema
        : JSONSchemaInput;

/** What `argumentAnnotations` must be, given what was written (`A`). */
type AnnotationsInput<A> = unknown extends A
  ? readonly ArgumentAnnotation[]
  : A extends readonly ArgumentAnnotation[]
    ? A
    : readonly ArgumentAnnotation[];

/**
 * An action whose handler's arguments are typed from its `parameters` (`S`,
 * inferred from what is written): CopilotKit parameters, a JSON Schema or a
 * zod schema (see `ArgsOf`).
 */
export interface TypedAction<S> {
  name: string;
  description?: string;
  parameters?: ParametersInput<S>;
  handler(args: ArgsOf<S>, context: ActionContext): ActionResult | Promise<ActionResult>;
}

/** The older spelling with its positional arguments typed from the annotations (`A`), in order. */
export interface TypedLegacyAction<A> {
  name: string;
  description?: string;
  argumentAnnotations: AnnotationsInput<A>;
  implementation(...args: ArgsOfAnnotations<A>): ActionResult | Promise<ActionResult>;
}

/** One action in either spelling, typed from what its `parameters` or `argumentAnnotations` (`S`) say. */
export type TypedActionDefinition<S> = TypedAction<S> | TypedLegacyAction<S>;

/**
 * A list of actions, each typed from its own parameters: `T` holds what each
 * action's `parameters` (or `argumentAnnotations`) are, in order. Used with a
 * `const` type parameter, TypeScript infers `T` from an array literal, so
 * every inline handler gets its own arguments without `as const`:
 *
 * ```ts
 * function register<const T extends readonly unknown[]>(actions: TypedActionDefinitions<T>): void;
 * register([{ name: "add", parameters: [{ name: "x", type: "number" }], handler: ({ x }) => x + 1 }]);
 * ```
 *
 * With the default `T`, any list of `ActionDefinition`s fits.
 */
export type TypedActionDefinitions<T extends readonly unknown[] = readonly unknown[]> = {
  [K in keyof T]: TypedActionDefinition<T[K]>;
};

/**
 * Defines an action with its handler's arguments typed from `parameters`
 * (CopilotKit parameters, a JSON Schema or a zod schema; see `ArgsOf`).
 */
export function defineAction<const S extends ActionParameters>(action: {
  name: string;
  description?: string;
  parameters: S;
  handler: (args: ArgsOf<S>, context: ActionContext) => ActionResult | Promise<ActionResult>;
}): Action {
  return action as Action;
}

/**
 * Returns `actions` as they are, with every handler's arguments typed from its
 * own `parameters` (or `argumentAnnotations`). For a per-request `actions`
 * function, whose inline handlers TypeScript cannot type by itself:
 * `actions: ({ properties }) => defineActions([{ name, parameters, handler }])`.
 */
export function defineActions<const T extends readonly unknown[]>(actions: TypedActionDefinitions<T>): readonly ActionDefinition[] {
  return actions;
}
