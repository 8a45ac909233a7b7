export { langServeActionSource, RemoteChainAction } from "./remote-chain-action.js";
export { explicitParameters, inferParameters, inlineRefs, type ChainParameters } from "./infer-parameters.js";
export { invokeChain, LangServeError, outputText, streamChain } from "./langserve-client.js";
export type { LangServeChainConfig } from "@copilot-runtime/protocol";
