export { AnthropicAdapter, SAMPLING_REMOVED_IN, type AnthropicAdapterOptions } from "./anthropic-adapter.js";
export { CONVERSATION_START, toAnthropicMessages, toolInput, type AnthropicConversation } from "./convert-messages.js";
export { toProviderError } from "./map-error.js";
