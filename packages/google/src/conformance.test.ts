import { GoogleGenAI } from "@google/genai";
import { GoogleGenerativeAI } from "@google/generative-ai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { createFakeGemini } from "@copilot-runtime/testing";
import { describeAdapterConformance } from "@copilot-runtime/testing/conformance";
import { GoogleGenAIAdapter } from "./google-genai-adapter.js";
import { GoogleGenerativeAIAdapter } from "./google-generative-ai-adapter.js";

// A key shaped like Google's, so the secret-leak test checks what Google-shaped keys go through.
const GOOGLE_KEY = "AIzaSyConformance-SECRET-0123456789-TAIL";

describeAdapterConformance({
  name: "GoogleGenAIAdapter (@google/genai 2.x)",
  apiKey: GOOGLE_KEY,
  startFake: createFakeGemini,
  createAdapter: (fake, apiKey) => new GoogleGenAIAdapter({ genai: new GoogleGenAI({ apiKey, httpOptions: { baseUrl: fake.baseURL } }) }),
  createRuntime: (options) => new CopilotRuntime(options),
});

describeAdapterConformance({
  name: "GoogleGenAIAdapter (@google/genai 2.x, the client it makes: the raw stream)",
  apiKey: GOOGLE_KEY,
  startFake: createFakeGemini,
  createAdapter: (fake, apiKey) => new GoogleGenAIAdapter({ apiKey, baseURL: fake.baseURL }),
  createRuntime: (options) => new CopilotRuntime(options),
});

describeAdapterConformance({
  name: "GoogleGenerativeAIAdapter (@google/generative-ai 0.24)",
  apiKey: GOOGLE_KEY,
  startFake: createFakeGemini,
  createAdapter: (fake, apiKey) =>
    new GoogleGenerativeAIAdapter({ genAI: new GoogleGenerativeAI(apiKey), requestOptions: { baseUrl: fake.baseURL } }),
  createRuntime: (options) => new CopilotRuntime(options),
});
