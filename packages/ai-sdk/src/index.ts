export { AISDKAdapter, SUPPORTED_SPECIFICATION_VERSION, finishReasonOf, usageOf, type AISDKAdapterOptions } from "./ai-sdk-adapter.js";
export { toLanguageModelPrompt } from "./convert-messages.js";
