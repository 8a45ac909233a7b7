export { OpenAIAdapter, type OpenAIAdapterOptions } from "./openai-adapter.js";
export { toOpenAIMessages, type ConvertOptions } from "./convert-messages.js";
export { toProviderError } from "./map-error.js";
