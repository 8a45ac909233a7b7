export { OpenAIAdapter, type OpenAIAdapterOptions } from "./openai-adapter.js";
