export { langServeActionSource } from "./remote-chain-action.js";
export type { LangServeChainConfig } from "@copilot-runtime/protocol";
