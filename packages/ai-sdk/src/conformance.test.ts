// The adapter conformance suite (CONTRIBUTING.md, "The conformance suite") for the AI SDK bridge, once per provider:
// each AI SDK provider package, unmodified, against the fake server of its provider's real wire format.
import { createAmazonBedrock } from "@ai-sdk/amazon-bedrock";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { CopilotRuntime } from "@copilot-runtime/core";
import { createFakeAnthropic, createFakeBedrock, createFakeGemini, createFakeOpenAI } from "@copilot-runtime/testing";
import { describeAdapterConformance } from "@copilot-runtime/testing/conformance";
import { AISDKAdapter } from "./ai-sdk-adapter.js";

const createRuntime = (options: ConstructorParameters<typeof CopilotRuntime>[0]) => new CopilotRuntime(options);

describeAdapterConformance({
  name: "AISDKAdapter + @ai-sdk/openai (Chat Completions)",
  startFake: createFakeOpenAI,
  createAdapter: (fake, apiKey) => new AISDKAdapter({ model: createOpenAI({ apiKey, baseURL: fake.baseURL }).chat("gpt-4o-mini") }),
  createRuntime,
});

describeAdapterConformance({
  name: "AISDKAdapter + @ai-sdk/anthropic",
  startFake: createFakeAnthropic,
  apiKey: "sk-ant-conformance-SECRET-0123456789-TAIL",
  createAdapter: (fake, apiKey) =>
    new AISDKAdapter({ model: createAnthropic({ apiKey, baseURL: `${fake.baseURL}/v1` })("claude-sonnet-4-5") }),
  createRuntime,
});

describeAdapterConformance({
  name: "AISDKAdapter + @ai-sdk/google",
  startFake: createFakeGemini,
  apiKey: "AIzaSyConformance-SECRET-0123456789-TAIL",
  createAdapter: (fake, apiKey) =>
    new AISDKAdapter({ model: createGoogleGenerativeAI({ apiKey, baseURL: `${fake.baseURL}/v1beta` })("gemini-2.5-flash") }),
  createRuntime,
});

// The secret access key is the suite's key: the fake knows it, and verifies every request's SigV4 signature with it.
const BEDROCK_SECRET = "SECRETbedrock/Conformance0123456789+TAIL";
const BEDROCK_KEY_ID = "AKIACONFORMANCE00001";

describeAdapterConformance({
  name: "AISDKAdapter + @ai-sdk/amazon-bedrock (ConverseStream, SigV4)",
  startFake: () => createFakeBedrock({ credentials: [{ accessKeyId: BEDROCK_KEY_ID, secretAccessKey: BEDROCK_SECRET }] }),
  apiKey: BEDROCK_SECRET,
  createAdapter: (fake, secretAccessKey) =>
    new AISDKAdapter({
      model: createAmazonBedrock({ region: fake.region, accessKeyId: BEDROCK_KEY_ID, secretAccessKey, baseURL: fake.baseURL })(
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      ),
      secrets: [secretAccessKey],
    }),
  createRuntime,
});
