import { defineActions, type ActionContext } from "@copilot-runtime/protocol";
import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { CopilotRuntime, defineAction, type Action, type ActionDefinition, type CopilotRuntimeOptions } from "./index.js";

describe("new CopilotRuntime({ actions }) infers inline handlers' arguments", () => {
  test("the issue's example compiles under strict", () => {
    const runtime = new CopilotRuntime({
      actions: [
        { name: "a", description: "b", parameters: [{ name: "x", type: "number", required: true }], handler: async ({ x }) => x + 1 },
      ],
    });
    expectTypeOf(runtime).toExtend<CopilotRuntime>();
  });

  test("a single inline action, no `as const`", () => {
    const runtime = new CopilotRuntime({
      actions: [
        {
          name: "a",
          parameters: [{ name: "x", type: "number", required: true }],
          handler: async (args, context) => {
            expectTypeOf(args).toEqualTypeOf<{ x: number }>();
            expectTypeOf(context).toEqualTypeOf<ActionContext>();
          },
        },
      ],
    });
    expectTypeOf(runtime).toExtend<CopilotRuntime>();
  });

  test("several actions with different parameters, each handler with its own", () => {
    const runtime = new CopilotRuntime({
      actions: [
        { name: "add", parameters: [{ name: "x", type: "number" }], handler: (args) => expectTypeOf(args).toEqualTypeOf<{ x: number }>() },
        { name: "greet", parameters: [{ name: "who" }], handler: (args) => expectTypeOf(args).toEqualTypeOf<{ who: string }>() },
        { name: "ping", handler: (args) => expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>() },
      ],
    });
    expectTypeOf(runtime).toExtend<CopilotRuntime>();
  });

  test("optional, enum, array and object parameters", () => {
    const runtime = new CopilotRuntime({
      actions: [
        {
          name: "order",
          parameters: [
            { name: "size", enum: ["s", "m", "l"] },
            { name: "note", type: "string", required: false },
            { name: "tags", type: "string[]" },
            { name: "counts", type: "number[]", required: false },
            { name: "flags", type: "boolean[]" },
            { name: "express", type: "boolean" },
            { name: "address", type: "object", attributes: [{ name: "city" }, { name: "zip", type: "number", required: false }] },
            { name: "lines", type: "object[]", attributes: [{ name: "sku" }, { name: "qty", type: "number" }] },
            { name: "meta", type: "object" },
          ],
          handler: (args) =>
            expectTypeOf(args).toEqualTypeOf<{
              size: "s" | "m" | "l";
              note?: string;
              tags: string[];
              counts?: number[];
              flags: boolean[];
              express: boolean;
              address: { city: string; zip?: number };
              lines: { sku: string; qty: number }[];
              meta: Record<string, unknown>;
            }>(),
        },
      ],
    });
    expectTypeOf(runtime).toExtend<CopilotRuntime>();
  });

  test("the 0.x spelling: argumentAnnotations and a positional implementation", () => {
    const runtime = new CopilotRuntime({
      actions: [
        {
          name: "forecast",
          description: "Weather forecast",
          argumentAnnotations: [
            { name: "city", type: "string", required: true },
            { name: "days", type: "number", required: true },
            { name: "units", type: "array", items: { type: "string" }, required: false },
          ],
          implementation: async (city, days, units) => {
            expectTypeOf(city).toEqualTypeOf<string>();
            expectTypeOf(days).toEqualTypeOf<number>();
            expectTypeOf(units).toEqualTypeOf<string[] | undefined>();
          },
        },
      ],
    });
    expectTypeOf(runtime).toExtend<CopilotRuntime>();
  });

  test("zod and JSON Schema parameters", () => {
    const runtime = new CopilotRuntime({
      actions: [
        {
          name: "weather",
          parameters: z.object({ city: z.string(), days: z.number().int().default(1) }),
          handler: (args) => expectTypeOf(args).toEqualTypeOf<{ city: string; days: number }>(),
        },
        {
          name: "search",
          parameters: {
            type: "object",
            properties: { q: { type: "string" }, limit: { type: "integer" }, sort: { enum: ["new", "top"] } },
            required: ["q"],
          },
          handler: (args) => expectTypeOf(args).toEqualTypeOf<{ q: string; limit?: number; sort?: "new" | "top" }>(),
        },
      ],
    });
    expectTypeOf(runtime).toExtend<CopilotRuntime>();
  });

  test("actions typed elsewhere still fit, alone or next to inline ones", () => {
    const typed: Action = { name: "typed", parameters: [{ name: "x" }], handler: (args) => args };
    const defined = defineAction({ name: "defined", parameters: [{ name: "n", type: "number" }], handler: ({ n }) => n * 2 });
    const list: ActionDefinition[] = [typed, defined];
    const fromList = new CopilotRuntime({ actions: list });
    const mixed = new CopilotRuntime({
      actions: [typed, defined, { name: "inline", parameters: [{ name: "b", type: "boolean" }], handler: ({ b }) => !b }],
    });
    const options: CopilotRuntimeOptions = { actions: list, maxSteps: 3 };
    const fromOptions = new CopilotRuntime(options);
    const empty = new CopilotRuntime();
    expectTypeOf([fromList, mixed, fromOptions, empty]).items.toExtend<CopilotRuntime>();
  });

  test("an instance is a CopilotRuntime whatever its actions", () => {
    const runtime: CopilotRuntime = new CopilotRuntime({
      actions: [{ name: "a", parameters: [{ name: "x", type: "number" }], handler: ({ x }) => x + 1 }],
    });
    expectTypeOf(runtime.handler).toBeFunction();
  });
});

describe("the per-request actions function", () => {
  test("receives the request's properties and url, sync or async", () => {
    const sync = new CopilotRuntime({
      actions: ({ properties, url }) => {
        expectTypeOf(properties).toEqualTypeOf<Record<string, unknown>>();
        expectTypeOf(url).toEqualTypeOf<string | undefined>();
        return [];
      },
    });
    const async = new CopilotRuntime({ actions: async () => [] as ActionDefinition[] });
    expectTypeOf([sync, async]).items.toExtend<CopilotRuntime>();
  });

  test("types inline handlers through defineActions or defineAction", () => {
    const withDefineActions = new CopilotRuntime({
      actions: ({ properties, url }) =>
        defineActions([
          {
            name: "whoami",
            parameters: [{ name: "x", type: "number" }],
            handler: (args) => {
              expectTypeOf(args).toEqualTypeOf<{ x: number }>();
              return { properties, url };
            },
          },
          {
            name: "legacy",
            argumentAnnotations: [{ name: "s", type: "string" }],
            implementation: (s) => expectTypeOf(s).toEqualTypeOf<string>(),
          },
        ]),
    });
    const withDefineAction = new CopilotRuntime({
      actions: async ({ properties }) => [
        defineAction({
          name: "a",
          parameters: z.object({ id: z.string() }),
          handler: ({ id }) => `${id}:${String(properties.tenant)}`,
        }),
      ],
    });
    expectTypeOf([withDefineActions, withDefineAction]).items.toExtend<CopilotRuntime>();
  });

  test("inline handlers written directly in the function get Record<string, unknown> (TypeScript cannot infer through it)", () => {
    const runtime = new CopilotRuntime({
      actions: ({ url }) => [
        {
          name: "a",
          parameters: [{ name: "x", type: "number" }],
          handler: (args) => expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>(),
        },
        { name: "b", parameters: [{ name: "x", type: "number" }], handler: (args: { x: number }) => `${args.x}${url}` },
      ],
    });
    expectTypeOf(runtime).toExtend<CopilotRuntime>();
  });
});

describe("mistakes are type errors", () => {
  test("a handler using an argument with the wrong type", () => {
    const wrongType = new CopilotRuntime({
      // @ts-expect-error x is a number
      actions: [{ name: "a", parameters: [{ name: "x", type: "number" }], handler: ({ x }) => x.toUpperCase() }],
    });
    const secondWrong = new CopilotRuntime({
      actions: [
        { name: "a", parameters: [{ name: "x", type: "string" }], handler: ({ x }) => x.toUpperCase() },
        // @ts-expect-error here x is a number: each action is checked against its own parameters
        { name: "b", parameters: [{ name: "x", type: "number" }], handler: ({ x }) => x.toUpperCase() },
      ],
    });
    expectTypeOf([wrongType, secondWrong]).items.toExtend<CopilotRuntime>();
  });

  test("a wrong parameter type, a missing name, an unknown argument, an annotated handler that does not match", () => {
    const wrongParameterType = new CopilotRuntime({
      // @ts-expect-error "numbr" is not a parameter type
      actions: [{ name: "a", parameters: [{ name: "x", type: "numbr" }], handler: () => 1 }],
    });
    // @ts-expect-error an action needs a name
    const noName = new CopilotRuntime({ actions: [{ parameters: [{ name: "x", type: "number" }], handler: () => 1 }] });
    const unknownArgument = new CopilotRuntime({
      // @ts-expect-error y is not a parameter
      actions: [{ name: "a", parameters: [{ name: "x", type: "number" }], handler: ({ y }) => y }],
    });
    const annotatedMismatch = new CopilotRuntime({
      // @ts-expect-error x is a number, not a string
      actions: [{ name: "a", parameters: [{ name: "x", type: "number" }], handler: (args: { x: string }) => args.x }],
    });
    expectTypeOf([wrongParameterType, noName, unknownArgument, annotatedMismatch]).items.toExtend<CopilotRuntime>();
  });
});

describe("new CopilotRuntime({ mcpServers })", () => {
  test("a list of HTTP and stdio servers, or a function of the request returning HTTP servers", () => {
    expectTypeOf({
      mcpServers: [
        { endpoint: "https://mcp.example.com/mcp", apiKey: "k", headers: { "x-tenant": "a" } },
        { command: "node", args: ["s.js"] },
      ],
    }).toExtend<CopilotRuntimeOptions>();
    const runtime = new CopilotRuntime({
      mcpServers: ({ request, identity }) => {
        expectTypeOf(request).toEqualTypeOf<Request | undefined>();
        expectTypeOf(identity?.id).toEqualTypeOf<string | undefined>();
        return [{ endpoint: "https://mcp.example.com/mcp", headers: { authorization: request?.headers.get("authorization") ?? "" } }];
      },
      mcpOptions: { allowedHosts: ["mcp.example.com"], onProgress: ({ progress, toolCallId }) => void [progress, toolCallId] },
    });
    expectTypeOf(runtime).toExtend<CopilotRuntime>();
  });

  test("a function of the request cannot return a stdio server", () => {
    // @ts-expect-error stdio servers are configured in code only
    const runtime = new CopilotRuntime({ mcpServers: () => [{ command: "node" }] });
    expectTypeOf(runtime).toExtend<CopilotRuntime>();
  });
});
