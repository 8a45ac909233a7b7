import { describe, expect, it } from "vitest";
import { ConfigurationError, ProviderError } from "@copilot-runtime/protocol";
import { explicitParameters, inferParameters } from "./infer-parameters.js";

describe("inferParameters", () => {
  it.each([
    ["string", { title: "ShoutInput", type: "string" }, { type: "string", description: "The input to the chain" }],
    ["integer", { type: "integer", description: "How many" }, { type: "integer", description: "How many" }],
    ["boolean", { type: "boolean" }, { type: "boolean", description: "The input to the chain" }],
  ])("a primitive (%s) input becomes one required `input` argument passed bare", (_type, schema, input) => {
    expect(inferParameters(schema)).toEqual({
      schema: { type: "object", properties: { input }, required: ["input"] },
      parameterType: "single",
      argument: "input",
    });
  });

  it("an object input becomes one argument per property, required kept", () => {
    expect(
      inferParameters({
        title: "JokeInput",
        type: "object",
        properties: { topic: { title: "Topic", type: "string" }, length: { type: "string", enum: ["short", "long"] } },
        required: ["topic"],
      }),
    ).toEqual({
      schema: {
        type: "object",
        properties: { topic: { title: "Topic", type: "string" }, length: { type: "string", enum: ["short", "long"] } },
        required: ["topic"],
      },
      parameterType: "multi",
      argument: "input",
    });
  });

  it("nested objects, arrays and $ref/$defs are kept, refs inlined", () => {
    const { schema } = inferParameters({
      type: "object",
      properties: {
        trip: { $ref: "#/$defs/Trip" },
        stops: { type: "array", items: { $ref: "#/$defs/Place" } },
      },
      required: ["trip"],
      $defs: {
        Trip: { type: "object", properties: { from: { $ref: "#/$defs/Place" }, days: { type: "integer" } }, required: ["from"] },
        Place: { type: "object", properties: { city: { type: "string" } } },
      },
    });
    expect(schema).toEqual({
      type: "object",
      properties: {
        trip: {
          type: "object",
          properties: { from: { type: "object", properties: { city: { type: "string" } } }, days: { type: "integer" } },
          required: ["from"],
        },
        stops: { type: "array", items: { type: "object", properties: { city: { type: "string" } } } },
      },
      required: ["trip"],
    });
  });

  it("cuts a recursive reference off", () => {
    const { schema } = inferParameters({
      type: "object",
      properties: { node: { $ref: "#/definitions/Node" } },
      definitions: { Node: { type: "object", properties: { child: { $ref: "#/definitions/Node" } } } },
    });
    expect(schema.properties.node).toEqual({ type: "object", properties: { child: { type: "object" } } });
  });

  it("rejects a schema that is not an object", () => {
    expect(() => inferParameters("nope")).toThrow(/not a JSON object/);
    expect(() => inferParameters("nope")).toThrow(ProviderError);
  });
});

describe("explicitParameters", () => {
  it("uses CopilotKit parameters; single chains take the first one", () => {
    expect(explicitParameters([{ name: "topic", type: "string" }], "single")).toEqual({
      schema: { type: "object", properties: { topic: { type: "string" } }, required: ["topic"] },
      parameterType: "single",
      argument: "topic",
    });
    expect(() => explicitParameters([], "single")).toThrow(/one parameter/);
    expect(() => explicitParameters([], "single")).toThrow(ConfigurationError);
  });
});
