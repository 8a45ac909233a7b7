// A LangGraph.js graph for the framework-agent test: one node that calls the chat model (ChatOpenAI
// against FAKE_OPENAI_URL, the test's fake OpenAI server) with the conversation.
import { ChatOpenAI } from "@langchain/openai";
import { MessagesAnnotation, StateGraph } from "@langchain/langgraph";

const model = new ChatOpenAI({
  model: "gpt-4o-mini",
  apiKey: "sk-langgraph-test",
  maxRetries: 0,
  configuration: { baseURL: process.env.FAKE_OPENAI_URL },
});

export const graph = new StateGraph(MessagesAnnotation)
  .addNode("chat", async (state: typeof MessagesAnnotation.State) => ({ messages: [await model.invoke(state.messages)] }))
  .addEdge("__start__", "chat")
  .addEdge("chat", "__end__")
  .compile();
