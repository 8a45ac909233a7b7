export * from "./collect-events.js";
export * from "./fake-openai.js";
export * from "./fake-provider.js";
export * from "./fake-script.js";
export * from "./http-server.js";
export * from "./scripted-adapter.js";
export * from "./fake-anthropic.js";
export * from "./fake-gemini.js";
