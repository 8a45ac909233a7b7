// Type-level only: the arguments a handler receives, computed from what its
// action's `parameters` say. Every mapping falls back to a wide type
// (`Record<string, unknown>`, `unknown`) where the parameters are not known
// precisely (typed as `Parameter[]`, a plain `JSONSchema`, ...), never to a
// narrower one.

import type { Parameter } from "./action.js";

/** `{ a: 1 } & { b?: 2 }` → `{ a: 1; b?: 2 }`, so that types read (and compare) as written. */
type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** The `type` of a CopilotKit parameter: `"string"` when left out, a union when only a union is known. */
type ParameterTypeOf<P> = P extends { type: infer T }
  ? T
  : "type" extends keyof P
    ? Exclude<P[keyof P & "type"], undefined> | "string"
    : "string";

type ParameterTypeValue<T, P> = T extends "string"
  ? P extends { enum: readonly (infer E)[] }
    ? E
    : string
  : T extends "number"
    ? number
    : T extends "boolean"
      ? boolean
      : T extends "string[]"
        ? string[]
        : T extends "number[]"
          ? number[]
          : T extends "boolean[]"
            ? boolean[]
            : T extends "object"
              ? P extends { attributes: infer A extends readonly Parameter[] }
                ? ArgsOfParameters<A>
                : Record<string, unknown>
              : T extends "object[]"
                ? P extends { attributes: infer A extends readonly Parameter[] }
                  ? ArgsOfParameters<A>[]
                  : Record<string, unknown>[]
                : unknown;

/** The value of one CopilotKit parameter. */
type ParameterValue<P> = ParameterTypeValue<ParameterTypeOf<P>, P>;

/** A parameter is optional only when `required` may be `false`; left out, it is required. */
type IsOptional<P> = "required" extends keyof P ? (false extends P[keyof P & "required"] ? true : false) : false;

type NameOf<P> = P extends { name: infer N extends string } ? N : never;

/**
 * The arguments object described by CopilotKit parameters: `type` picks the
 * value (`"string"` when left out, `enum` a union of its values, `object` /
 * `object[]` their `attributes`), `required: false` makes a property optional.
 * Parameters without literal names (typed as `Parameter[]`) give `Record<string, unknown>`.
 */
export type ArgsOfParameters<Ps extends readonly Parameter[]> =
  string extends NameOf<Ps[number]>
    ? Record<string, unknown>
    : Flatten<
        { [P in Ps[number] as IsOptional<P> extends true ? never : NameOf<P>]: ParameterValue<P> } & {
          [P in Ps[number] as IsOptional<P> extends true ? NameOf<P> : never]?: ParameterValue<P>;
        }
      >;

type JSONTypeValue<T, S> = T extends "string"
  ? string
  : T extends "number" | "integer"
    ? number
    : T extends "boolean"
      ? boolean
      : T extends "null"
        ? null
        : T extends "array"
          ? S extends { items: infer I }
            ? I extends readonly unknown[]
              ? unknown[]
              : JSONSchemaValue<I>[]
            : unknown[]
          : T extends "object"
            ? ArgsOfJSONSchema<S>
            : unknown;

/** The value a JSON Schema describes, for the keywords `enum`, `const` and `type` (one or several); else `unknown`. */
type JSONSchemaValue<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { const: infer C }
    ? C
    : S extends { type: infer T }
      ? T extends readonly (infer U)[]
        ? JSONTypeValue<U, S>
        : JSONTypeValue<T, S>
      : unknown;

/** The names in `required`, when they are known one by one. */
type RequiredNames<S> = S extends { required: readonly (infer R extends string)[] } ? (string extends R ? never : R) : never;

/**
 * The object a JSON Schema of an object describes, when its `properties` are
 * known one by one (a schema written `as const`, or inferred as a constant):
 * the names in `required` are required, the others optional; property values
 * follow `type` (string, number/integer, boolean, null, array with `items`,
 * object with `properties`), `enum` and `const`; anything else is `unknown`.
 * Otherwise `Record<string, unknown>`.
 */
export type ArgsOfJSONSchema<S> = S extends { properties: infer Props }
  ? string extends keyof Props
    ? Record<string, unknown>
    : Flatten<
        { [K in keyof Props & RequiredNames<S>]: JSONSchemaValue<Props[K]> } & {
          [K in Exclude<keyof Props & string, RequiredNames<S>>]?: JSONSchemaValue<Props[K]>;
        }
      >
  : Record<string, unknown>;

type AnnotationTypeValue<N> = N extends { type: "string" }
  ? string
  : N extends { type: "number" }
    ? number
    : N extends { type: "boolean" }
      ? boolean
      : N extends { type: "object" }
        ? Record<string, unknown>
        : N extends { type: "array"; items: { type: "number" } }
          ? number[]
          : N extends { type: "array"; items: { type: "boolean" } }
            ? boolean[]
            : N extends { type: "array"; items: { type: "object" } }
              ? Record<string, unknown>[]
              : N extends { type: "array"; items: { type: string } }
                ? string extends N["items"]["type"]
                  ? unknown[]
                  : string[]
                : N extends { type: "array" }
                  ? string[]
                  : unknown;

/**
 * The positional arguments of a 0.x `implementation`, in annotation order
 * (`type` and `items.type` pick each value; `required: false` adds `undefined`).
 * Annotations not known one by one (typed as `ArgumentAnnotation[]`) give `unknown[]`.
 */
export type ArgsOfAnnotations<A> = A extends readonly unknown[]
  ? number extends A["length"]
    ? unknown[]
    : { -readonly [I in keyof A]: IsOptional<A[I]> extends true ? AnnotationTypeValue<A[I]> | undefined : AnnotationTypeValue<A[I]> }
  : unknown[];

/**
 * The arguments a handler receives for a given `parameters` value: a zod
 * schema's output type, the object described by CopilotKit parameters
 * (`ArgsOfParameters`) or by a JSON Schema (`ArgsOfJSONSchema`), and
 * `Record<string, unknown>` when nothing more precise is known.
 */
export type ArgsOf<S> = unknown extends S
  ? Record<string, unknown>
  : S extends { _zod: { output: infer O } }
    ? O
    : S extends readonly Parameter[]
      ? ArgsOfParameters<S>
      : S extends { _zod: unknown }
        ? Record<string, unknown>
        : S extends object
          ? ArgsOfJSONSchema<S>
          : Record<string, unknown>;
