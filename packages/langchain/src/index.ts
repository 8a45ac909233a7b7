export { LangChainAdapter, type ChainFnParameters, type ChainFnResult, type LangChainAdapterOptions } from "./langchain-adapter.js";
