import { describe, expect, it } from "vitest";
import { providerParameters } from "./provider-parameters.js";

describe("providerParameters", () => {
  it("renames what the request set, keeps 0, drops an empty stop list and what the provider has no name for", () => {
    const names = { temperature: "temperature", maxTokens: "max_tokens", stop: "stop_sequences" } as const;
    expect(providerParameters({ temperature: 0, maxTokens: 100, topP: 0.5, stop: ["END"] }, names)).toEqual({
      temperature: 0,
      max_tokens: 100,
      stop_sequences: ["END"],
    });
    expect(providerParameters({ stop: [] }, names)).toEqual({});
    expect(providerParameters({}, { topP: "topP" })).toEqual({});
  });
});
