export { LangChainAdapter, type ChainFnParameters, type ChainFnResult, type LangChainAdapterOptions } from "./langchain-adapter.js";
export { toLangChainMessages } from "./convert-messages.js";
export { LangChainResultReader } from "./langchain-result.js";
