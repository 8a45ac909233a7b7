import { providerParameters, type AdapterRequest, type ProviderParameters } from "@copilot-runtime/protocol";
import { toGeminiContents, type GeminiContent } from "./convert-messages.js";
import { toGeminiParameters, type GeminiSchema } from "./gemini-schema.js";

export interface GeminiFunctionDeclaration {
  name: string;
  description: string;
  parameters?: GeminiSchema;
}

const GENERATION_CONFIG_NAMES = {
  temperature: "temperature",
  maxTokens: "maxOutputTokens",
  topP: "topP",
  stop: "stopSequences",
} as const;

export type GeminiGenerationConfig = ProviderParameters<typeof GENERATION_CONFIG_NAMES>;

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
  return {
    systemInstruction,
    contents,
    tools: declarations.length > 0 ? [{ functionDeclarations: declarations }] : undefined,
    generationConfig: providerParameters(request.parameters, GENERATION_CONFIG_NAMES),
  };
}
