import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";
import {
  defineAction,
  defineActions,
  type Action,
  type ActionContext,
  type ActionDefinition,
  type ArgsOf,
  type ArgsOfAnnotations,
  type ArgsOfJSONSchema,
  type ArgsOfParameters,
  type JSONSchema,
  type LegacyAction,
  type ObjectJSONSchema,
  type Parameter,
  type TypedActionDefinitions,
} from "./index.js";

describe("ArgsOfParameters", () => {
  test("maps every parameter type; required by default, optional with required: false", () => {
    const parameters = [
      { name: "name", type: "string", enum: ["a", "b"] },
      { name: "age", type: "number", required: false },
      { name: "ok", type: "boolean", required: true },
      { name: "tags", type: "string[]" },
      { name: "scores", type: "number[]" },
      { name: "flags", type: "boolean[]" },
      { name: "address", type: "object", attributes: [{ name: "city" }, { name: "zip", type: "number", required: false }] },
      { name: "items", type: "object[]", attributes: [{ name: "id", type: "number" }] },
      { name: "loose", type: "object" },
      { name: "plain" },
    ] as const;
    expectTypeOf<ArgsOfParameters<typeof parameters>>().toEqualTypeOf<{
      name: "a" | "b";
      age?: number;
      ok: boolean;
      tags: string[];
      scores: number[];
      flags: boolean[];
      address: { city: string; zip?: number };
      items: { id: number }[];
      loose: Record<string, unknown>;
      plain: string;
    }>();
  });

  test("is wide where the parameters are not known one by one", () => {
    expectTypeOf<ArgsOfParameters<Parameter[]>>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<ArgsOfParameters<readonly [{ name: "x"; required: boolean }]>>().toEqualTypeOf<{ x?: string }>();
    expectTypeOf<ArgsOfParameters<readonly [{ name: "x"; type: "number" | "boolean" }]>>().toEqualTypeOf<{ x: number | boolean }>();
  });
});

describe("ArgsOfJSONSchema", () => {
  test("maps a constant object schema: required names, primitive types, enum, arrays, nested objects", () => {
    const schema = {
      type: "object",
      properties: {
        city: { type: "string" },
        days: { type: "integer" },
        unit: { enum: ["c", "f"] },
        tags: { type: "array", items: { type: "string" } },
        where: { type: "object", properties: { lat: { type: "number" } }, required: ["lat"] },
        nullable: { type: ["string", "null"] },
        anything: { description: "no type" },
      },
      required: ["city", "days"],
    } as const;
    expectTypeOf<ArgsOfJSONSchema<typeof schema>>().toEqualTypeOf<{
      city: string;
      days: number;
      unit?: "c" | "f";
      tags?: string[];
      where?: { lat: number };
      nullable?: string | null;
      anything?: unknown;
    }>();
  });

  test("is wide for a schema typed as JSONSchema, and makes every property optional when required is not known", () => {
    expectTypeOf<ArgsOfJSONSchema<{ type: "object"; properties: Record<string, { type: "string" }> }>>().toEqualTypeOf<
      Record<string, unknown>
    >();
    expectTypeOf<ArgsOfJSONSchema<{ properties: { a: { type: "boolean" } }; required: string[] }>>().toEqualTypeOf<{ a?: boolean }>();
  });
});

describe("ArgsOfAnnotations", () => {
  test("types the positional arguments in annotation order", () => {
    const annotations = [
      { name: "city", type: "string" },
      { name: "days", type: "number", required: false },
      { name: "tags", type: "array", items: { type: "string" } },
      { name: "points", type: "array", items: { type: "number" } },
      { name: "extra", type: "object" },
    ] as const;
    expectTypeOf<ArgsOfAnnotations<typeof annotations>>().toEqualTypeOf<
      [string, number | undefined, string[], number[], Record<string, unknown>]
    >();
  });

  test("is unknown[] for annotations not known one by one", () => {
    expectTypeOf<ArgsOfAnnotations<{ name: string; type: "string" }[]>>().toEqualTypeOf<unknown[]>();
  });
});

describe("ArgsOf", () => {
  test("picks zod's output, CopilotKit parameters or a JSON Schema, and is wide otherwise", () => {
    const schema = z.object({ city: z.string(), days: z.number().default(1) });
    expectTypeOf<ArgsOf<typeof schema>>().toEqualTypeOf<{ city: string; days: number }>();
    expectTypeOf<ArgsOf<readonly [{ name: "q" }]>>().toEqualTypeOf<{ q: string }>();
    expectTypeOf<ArgsOf<{ type: "object"; properties: { q: { type: "string" } }; required: ["q"] }>>().toEqualTypeOf<{ q: string }>();
    expectTypeOf<ArgsOf<unknown>>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<ArgsOf<Action["parameters"]>>().toEqualTypeOf<Record<string, unknown>>();
  });
});

describe("defineAction", () => {
  test("types the handler from CopilotKit parameters, zod and JSON Schema without `as const`", () => {
    defineAction({
      name: "add",
      parameters: [{ name: "x", type: "number" }],
      handler: (args, context) => {
        expectTypeOf(args).toEqualTypeOf<{ x: number }>();
        expectTypeOf(context).toEqualTypeOf<ActionContext>();
      },
    });
    defineAction({
      name: "weather",
      parameters: z.object({ city: z.string() }),
      handler: (args) => expectTypeOf(args).toEqualTypeOf<{ city: string }>(),
    });
    defineAction({
      name: "lookup",
      parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
      handler: (args) => expectTypeOf(args).toEqualTypeOf<{ q: string }>(),
    });
  });

  test("accepts a schema typed as JSONSchema or ObjectJSONSchema (arguments: Record<string, unknown>)", () => {
    const schema: JSONSchema = { type: "object", properties: { q: { type: "string" } }, required: ["q"] };
    const objectSchema: ObjectJSONSchema = { type: "object", properties: {} };
    defineAction({ name: "a", parameters: schema, handler: (args) => expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>() });
    defineActions([
      { name: "b", parameters: objectSchema, handler: (args) => expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>() },
    ]);
  });

  test("returns an Action", () => {
    const action = defineAction({ name: "a", parameters: [{ name: "x" }], handler: ({ x }) => x });
    expectTypeOf(action).toEqualTypeOf<Action>();
  });

  test("rejects a mistyped handler", () => {
    // @ts-expect-error x is a number
    defineAction({ name: "a", parameters: [{ name: "x", type: "number" }], handler: ({ x }) => x.toUpperCase() });
  });
});

describe("defineActions (and TypedActionDefinitions)", () => {
  test("types each action's handler from its own parameters, in either spelling", () => {
    defineActions([
      {
        name: "add",
        parameters: [{ name: "x", type: "number", required: true }],
        handler: (args) => expectTypeOf(args).toEqualTypeOf<{ x: number }>(),
      },
      {
        name: "greet",
        parameters: [{ name: "who" }, { name: "tone", enum: ["warm", "dry"], required: false }],
        handler: (args) => expectTypeOf(args).toEqualTypeOf<{ who: string; tone?: "warm" | "dry" }>(),
      },
      {
        name: "weather",
        parameters: z.object({ city: z.string(), days: z.number().optional() }),
        handler: (args) => expectTypeOf(args).toEqualTypeOf<{ city: string; days?: number | undefined }>(),
      },
      {
        name: "lookup",
        parameters: { type: "object", properties: { q: { type: "string" }, limit: { type: "integer" } }, required: ["q"] },
        handler: (args) => expectTypeOf(args).toEqualTypeOf<{ q: string; limit?: number }>(),
      },
      {
        name: "forecast",
        argumentAnnotations: [
          { name: "city", type: "string", required: true },
          { name: "days", type: "number", required: true },
        ],
        implementation: async (city, days) => {
          expectTypeOf(city).toEqualTypeOf<string>();
          expectTypeOf(days).toEqualTypeOf<number>();
        },
      },
      { name: "ping", handler: (args) => expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>() },
    ]);
  });

  test("accepts actions typed elsewhere, alone or mixed with inline ones", () => {
    const typed: Action = { name: "typed", parameters: [{ name: "x" }], handler: (args) => args };
    const legacy: LegacyAction = { name: "legacy", argumentAnnotations: [{ name: "x", type: "string" }], implementation: (x) => x };
    const defined = defineAction({ name: "defined", parameters: [{ name: "x", type: "boolean" }], handler: ({ x }) => !x });
    const list: ActionDefinition[] = [typed, legacy];
    defineActions(list);
    defineActions([typed, legacy, defined, { name: "inline", parameters: [{ name: "n", type: "number" }], handler: ({ n }) => n + 1 }]);
    expectTypeOf(list).toExtend<TypedActionDefinitions>();
  });

  test("rejects mistakes", () => {
    defineActions([
      // @ts-expect-error a number has no toUpperCase
      { name: "a", parameters: [{ name: "x", type: "number" }], handler: ({ x }) => x.toUpperCase() },
      // @ts-expect-error y is not a parameter
      { name: "b", parameters: [{ name: "x", type: "number" }], handler: ({ y }) => y },
      // @ts-expect-error "numbr" is not a parameter type
      { name: "c", parameters: [{ name: "x", type: "numbr" }], handler: () => 1 },
      // @ts-expect-error an optional parameter may be undefined
      { name: "d", parameters: [{ name: "x", type: "number", required: false }], handler: ({ x }) => x.toFixed() },
      // @ts-expect-error "days" is a number
      { name: "e", argumentAnnotations: [{ name: "days", type: "number" }], implementation: (days) => days.toUpperCase() },
      // @ts-expect-error zod's output is a number
      { name: "f", parameters: z.object({ n: z.number() }), handler: ({ n }) => n.toUpperCase() },
      // @ts-expect-error "c" is not in the enum
      { name: "g", parameters: [{ name: "x", enum: ["a", "b"] }], handler: ({ x }) => x === "c" },
    ]);
    // @ts-expect-error an action needs a name
    defineActions([{ parameters: [{ name: "x" }], handler: () => 1 }]);
    // @ts-expect-error parameters must be an array, a JSON Schema object or a zod schema
    defineActions([{ name: "a", parameters: "x", handler: () => 1 }]);
  });
});
