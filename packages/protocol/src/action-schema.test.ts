import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "./action.js";
import { normalizeAction, parametersToJsonSchema } from "./action-schema.js";
import { ConfigurationError } from "./errors.js";

const ctx = {
  signal: new AbortController().signal,
  properties: {},
  url: undefined,
  threadId: "t",
  runId: "r",
  toolCallId: "c",
};

describe("parametersToJsonSchema", () => {
  it("converts every CopilotKit parameter type, required by default", () => {
    const schema = parametersToJsonSchema([
      { name: "name", type: "string", description: "who", enum: ["a", "b"] },
      { name: "age", type: "number", required: false },
      { name: "ok", type: "boolean" },
      { name: "tags", type: "string[]" },
      { name: "scores", type: "number[]" },
      { name: "flags", type: "boolean[]" },
      { name: "address", type: "object", attributes: [{ name: "city" }, { name: "zip", required: false }] },
      { name: "items", type: "object[]", attributes: [{ name: "id", type: "number" }] },
      { name: "plain" },
    ]);
    expect(schema).toEqual({
      type: "object",
      properties: {
        name: { type: "string", enum: ["a", "b"], description: "who" },
        age: { type: "number" },
        ok: { type: "boolean" },
        tags: { type: "array", items: { type: "string" } },
        scores: { type: "array", items: { type: "number" } },
        flags: { type: "array", items: { type: "boolean" } },
        address: {
          type: "object",
          properties: { city: { type: "string" }, zip: { type: "string" } },
          required: ["city"],
        },
        items: {
          type: "array",
          items: { type: "object", properties: { id: { type: "number" } }, required: ["id"] },
        },
        plain: { type: "string" },
      },
      required: ["name", "ok", "tags", "scores", "flags", "address", "items", "plain"],
    });
  });

  it("rejects an unknown parameter type with the parameter's name", () => {
    expect(() => parametersToJsonSchema([{ name: "x", type: "date" as never }])).toThrow(/Parameter "x".*"date"/);
  });
});

describe("normalizeAction", () => {
  it("accepts CopilotKit's documented shape (sayHello) and calls the handler with the arguments object", async () => {
    const action = normalizeAction({
      name: "sayHello",
      description: "Says hello to someone.",
      parameters: [{ name: "arg", type: "string", description: "The name of the person to say hello to.", required: true }],
      handler: async ({ arg }: { arg: string }) => `Hello, ${arg}!`,
    });
    expect(action.name).toBe("sayHello");
    expect(action.parameters.required).toEqual(["arg"]);
    expect(await action.invoke({ arg: "Ada" }, ctx)).toBe("Hello, Ada!");
    expect(action.parseArgs({})).toEqual({ ok: false, message: "Missing required argument(s): arg." });
  });

  it("accepts the 0.x spelling: argumentAnnotations and a positional implementation", async () => {
    const action = normalizeAction({
      name: "add",
      description: "Adds two numbers",
      argumentAnnotations: [
        { name: "a", type: "number", description: "first", required: true },
        { name: "b", type: "number", description: "second", required: true },
        { name: "labels", type: "array", items: { type: "string" }, required: false },
      ],
      implementation: async (a: unknown, b: unknown) => Number(a) + Number(b),
    });
    expect(action.parameters).toEqual({
      type: "object",
      properties: {
        a: { type: "number", description: "first" },
        b: { type: "number", description: "second" },
        labels: { type: "array", items: { type: "string" } },
      },
      required: ["a", "b"],
    });
    expect(await action.invoke({ b: 2, a: 40 }, ctx)).toBe(42);
  });

  it("accepts a JSON Schema and drops $schema", () => {
    const action = normalizeAction({
      name: "lookup",
      parameters: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: { q: { type: "string" } },
        required: ["q"],
      },
      handler: () => "ok",
    });
    expect(action.parameters).toEqual({ type: "object", properties: { q: { type: "string" } }, required: ["q"] });
    expect(action.description).toBe("");
  });

  it("accepts a zod schema: JSON Schema for the LLM, validation of the arguments", async () => {
    const action = normalizeAction(
      defineAction({
        name: "weather",
        parameters: z.object({ city: z.string().describe("City"), days: z.number().int().default(1) }),
        handler: ({ city, days }) => `${city}:${days}`,
      }),
    );
    expect(action.parameters).toMatchObject({
      type: "object",
      properties: { city: { type: "string", description: "City" }, days: { type: "integer", default: 1 } },
      required: ["city"],
    });
    expect(action.parameters).not.toHaveProperty("$schema");
    const parsed = action.parseArgs({ city: "Paris" });
    expect(parsed).toEqual({ ok: true, value: { city: "Paris", days: 1 } });
    const bad = action.parseArgs({ city: 3 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^Invalid arguments: city: /);
    expect(await action.invoke({ city: "Rome", days: 2 }, ctx)).toBe("Rome:2");
  });

  it("passes the context to the handler", async () => {
    const action = normalizeAction({ name: "ctx", handler: (_args, context) => context.toolCallId });
    expect(await action.invoke({}, ctx)).toBe("c");
  });

  it.each([
    [{ name: "has space", handler: (): number => 1 }, /Invalid action name "has space"/],
    [{ name: "x".repeat(65), handler: (): number => 1 }, /Invalid action name/],
    [{ name: "nohandler" }, /Action "nohandler" has no handler function/],
    [{ name: "str", parameters: { type: "string" }, handler: (): number => 1 }, /must describe an object/],
    [{ name: "zod", parameters: z.string(), handler: (): number => 1 }, /must be an object schema/],
    [{ name: "zod3", parameters: { _def: {}, safeParse: () => 1 }, handler: (): number => 1 }, /zod 3 schemas are not supported/],
    [{ name: "weird", parameters: 42, handler: (): number => 1 }, /parameters must be/],
  ])("rejects a malformed definition %#", (definition, message) => {
    expect(() => normalizeAction(definition as never)).toThrow(ConfigurationError);
    expect(() => normalizeAction(definition as never)).toThrow(message);
  });
});
