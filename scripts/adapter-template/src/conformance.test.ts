// The adapter conformance suite: the same checks every adapter of Copilot Runtime passes, through CopilotRuntime and
// the real @ag-ui/client, against the fake provider. Its checks, and how to skip one your provider cannot support,
// are listed in CONTRIBUTING.md ("The conformance suite").
import { CopilotRuntime } from "@copilot-runtime/core";
import { describeAdapterConformance } from "@copilot-runtime/testing/conformance";
import { createFakeTemplateProvider } from "./fake-template-provider.js";
import { TemplateProviderAdapter } from "./template-provider-adapter.js";

describeAdapterConformance({
  name: "TemplateProviderAdapter",
  startFake: createFakeTemplateProvider,
  createAdapter: (fake, apiKey) => new TemplateProviderAdapter({ model: "fake-model", apiKey, baseURL: fake.baseURL }),
  createRuntime: (options) => new CopilotRuntime(options),
});
