export { GoogleGenAIAdapter, type GoogleGenAIAdapterOptions } from "./google-genai-adapter.js";
export { GoogleGenerativeAIAdapter, type GoogleGenerativeAIAdapterOptions } from "./google-generative-ai-adapter.js";
export {
  CONVERSATION_START,
  functionArgs,
  toGeminiContents,
  type GeminiContent,
  type GeminiConversation,
  type GeminiPart,
} from "./convert-messages.js";
export { toGeminiParameters, toGeminiSchema, type GeminiSchema } from "./gemini-schema.js";
export { buildGeminiRequest, type GeminiRequest } from "./gemini-request.js";
export { toProviderError } from "./map-error.js";
