import type { AdapterRequest } from "@copilot-runtime/protocol";
import { toGeminiContents, type GeminiContent } from "./convert-messages.js";
import { toGeminiParameters, type GeminiSchema } from "./gemini-schema.js";

export interface GeminiFunctionDeclaration {
  name: string;
  description: string;
  parameters?: GeminiSchema;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  maxOutputTokens?: number;
  topP?: number;
  stopSequences?: string[];
}

/** One Gemini request, whichever SDK sends it. */
export interface GeminiRequest {
  systemInstruction: string | undefined;
  contents: GeminiContent[];
  tools: { functionDeclarations: GeminiFunctionDeclaration[] }[] | undefined;
  generationConfig: GeminiGenerationConfig;
}

export function buildGeminiRequest(request: AdapterRequest): GeminiRequest {
  const { systemInstruction, contents } = toGeminiContents(request.messages);
  const declarations = request.tools.map((tool): GeminiFunctionDeclaration => {
    const parameters = toGeminiParameters(tool.parameters);
    return { name: tool.name, description: tool.description, ...(parameters ? { parameters } : {}) };
  });
  const { parameters } = request;
  const generationConfig: GeminiGenerationConfig = {};
  if (parameters.temperature != null) generationConfig.temperature = parameters.temperature;
  if (parameters.maxTokens != null) generationConfig.maxOutputTokens = parameters.maxTokens;
  if (parameters.topP != null) generationConfig.topP = parameters.topP;
  if (parameters.stop != null && parameters.stop.length > 0) generationConfig.stopSequences = parameters.stop;
  return {
    systemInstruction,
    contents,
    tools: declarations.length > 0 ? [{ functionDeclarations: declarations }] : undefined,
    generationConfig,
  };
}
