export {
  TemplateProviderAdapter,
  type TemplateProviderAdapterOptions,
  type TemplateProviderRequestBody,
} from "./template-provider-adapter.js";
export type { TemplateProviderMessage } from "./convert-messages.js";
