export { AnthropicAdapter, type AnthropicAdapterOptions } from "./anthropic-adapter.js";
