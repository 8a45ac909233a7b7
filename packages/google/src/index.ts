export { GoogleGenAIAdapter, type GoogleGenAIAdapterOptions } from "./google-genai-adapter.js";
export { GoogleGenerativeAIAdapter, type GoogleGenerativeAIAdapterOptions } from "./google-generative-ai-adapter.js";
