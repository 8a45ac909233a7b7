import { describe, expect, it } from "vitest";
import type { JSONSchema } from "@copilot-runtime/protocol";
import { toGeminiParameters, toGeminiSchema } from "./gemini-schema.js";

describe("toGeminiSchema", () => {
  it("upper-cases types and keeps the supported keywords", () => {
    expect(
      toGeminiSchema({
        type: "object",
        title: "Query",
        description: "A query",
        properties: {
          q: { type: "string", minLength: 1, maxLength: 100, pattern: "^[a-z]+$", format: "date-time" },
          n: { type: "integer", minimum: 1, maximum: 10, format: "int32" },
          tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 5 },
        },
        required: ["q"],
        minProperties: 1,
        maxProperties: 3,
      }),
    ).toEqual({
      type: "OBJECT",
      title: "Query",
      description: "A query",
      properties: {
        q: { type: "STRING", minLength: 1, maxLength: 100, pattern: "^[a-z]+$", format: "date-time" },
        n: { type: "INTEGER", minimum: 1, maximum: 10, format: "int32" },
        tags: { type: "ARRAY", items: { type: "STRING" }, minItems: 1, maxItems: 5 },
      },
      required: ["q"],
      minProperties: 1,
      maxProperties: 3,
    });
  });

  // One test per keyword Gemini does not accept.
  it.each<[string, JSONSchema, unknown]>([
    ["$schema", { $schema: "https://json-schema.org/draft/2020-12/schema", type: "string" }, { type: "STRING" }],
    [
      "additionalProperties",
      { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
      { type: "OBJECT", properties: { a: { type: "STRING" } } },
    ],
    ["default", { type: "number", default: 3 }, { type: "NUMBER" }],
    ["examples", { type: "string", examples: ["x"] }, { type: "STRING" }],
    ["not", { type: "string", not: { enum: ["x"] } }, { type: "STRING" }],
    ["patternProperties", { type: "object", patternProperties: { "^x": { type: "string" } } }, { type: "OBJECT" }],
    ["unknown format", { type: "string", format: "email" }, { type: "STRING" }],
    ["$id and $comment", { $id: "x", $comment: "y", type: "boolean" }, { type: "BOOLEAN" }],
    ["uniqueItems", { type: "array", items: { type: "number" }, uniqueItems: true }, { type: "ARRAY", items: { type: "NUMBER" } }],
    [
      "dependentRequired",
      { type: "object", properties: { a: { type: "string" } }, dependentRequired: { a: ["b"] } },
      { type: "OBJECT", properties: { a: { type: "STRING" } } },
    ],
  ])("drops %s", (_keyword, schema, expected) => {
    expect(toGeminiSchema(schema)).toEqual(expected);
  });

  it("inlines $ref from $defs and definitions", () => {
    const schema: JSONSchema = {
      type: "object",
      properties: { home: { $ref: "#/$defs/Address" }, work: { $ref: "#/definitions/Address", description: "Office" } },
      $defs: { Address: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
      definitions: { Address: { type: "object", properties: { street: { type: "string" } } } },
    };
    expect(toGeminiSchema(schema)).toEqual({
      type: "OBJECT",
      properties: {
        home: { type: "OBJECT", properties: { city: { type: "STRING" } }, required: ["city"] },
        work: { type: "OBJECT", description: "Office", properties: { street: { type: "STRING" } } },
      },
    });
  });

  it("cuts recursive $ref off as an open object", () => {
    const schema: JSONSchema = {
      type: "object",
      properties: { root: { $ref: "#/$defs/Node" } },
      $defs: { Node: { type: "object", properties: { name: { type: "string" }, child: { $ref: "#/$defs/Node" } } } },
    };
    expect(toGeminiSchema(schema)).toEqual({
      type: "OBJECT",
      properties: { root: { type: "OBJECT", properties: { name: { type: "STRING" }, child: { type: "OBJECT" } } } },
    });
  });

  it("turns a nullable type list into nullable, and null in anyOf too", () => {
    expect(toGeminiSchema({ type: ["string", "null"] })).toEqual({ type: "STRING", nullable: true });
    expect(toGeminiSchema({ anyOf: [{ type: "number" }, { type: "null" }] })).toEqual({ type: "NUMBER", nullable: true });
  });

  it("turns oneOf into anyOf", () => {
    expect(toGeminiSchema({ oneOf: [{ type: "string" }, { type: "number" }] })).toEqual({
      anyOf: [{ type: "STRING" }, { type: "NUMBER" }],
    });
  });

  it("merges allOf object members", () => {
    expect(
      toGeminiSchema({
        allOf: [
          { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
          { type: "object", properties: { b: { type: "number" } } },
        ],
      }),
    ).toEqual({ type: "OBJECT", properties: { a: { type: "STRING" }, b: { type: "NUMBER" } }, required: ["a"] });
  });

  it("turns const into a one-value enum and drops non-string enums", () => {
    expect(toGeminiSchema({ const: "fixed" })).toEqual({ type: "STRING", enum: ["fixed"] });
    expect(toGeminiSchema({ type: "string", enum: ["a", "b"] })).toEqual({ type: "STRING", enum: ["a", "b"] });
    expect(toGeminiSchema({ type: "integer", enum: [1, 2] })).toEqual({ type: "INTEGER" });
  });

  it("turns exclusive bounds into inclusive ones", () => {
    expect(toGeminiSchema({ type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 })).toEqual({
      type: "NUMBER",
      minimum: 0,
      maximum: 1,
    });
  });

  it("drops required names that are not properties, and empty object properties", () => {
    expect(toGeminiSchema({ type: "object", properties: { a: { type: "string" } }, required: ["a", "ghost"] })).toEqual({
      type: "OBJECT",
      properties: { a: { type: "STRING" } },
      required: ["a"],
    });
    expect(toGeminiSchema({ type: "object", properties: {} })).toEqual({ type: "OBJECT" });
  });
});

describe("toGeminiParameters", () => {
  it("leaves parameters out for a tool without arguments", () => {
    expect(toGeminiParameters({ type: "object", properties: {} })).toBeUndefined();
    expect(toGeminiParameters({ type: "object", properties: { a: { type: "string" } } })).toEqual({
      type: "OBJECT",
      properties: { a: { type: "STRING" } },
    });
  });
});
