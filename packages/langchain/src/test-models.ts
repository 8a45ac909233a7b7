// A small chat model for tests: it streams scripted chunks, tool-call
// arguments in fragments included (LangChain's own fakes cannot).
import { BaseChatModel, type BaseChatModelCallOptions } from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { concat } from "@langchain/core/utils/stream";

export interface ScriptedChunk {
  content?: string;
  toolCallChunks?: { index: number; id?: string; name?: string; args?: string }[];
  usage?: { input_tokens: number; output_tokens: number; total_tokens: number };
}

export class FragmentStreamingModel extends BaseChatModel {
  /** The messages and options of every call. */
  readonly calls: { messages: BaseMessage[]; options: BaseChatModelCallOptions & { tools?: unknown[] } }[] = [];

  constructor(private readonly script: ScriptedChunk[][]) {
    super({});
  }

  _llmType(): string {
    return "fragment-streaming-test";
  }

  override bindTools(tools: unknown[]) {
    return this.withConfig({ tools } as Partial<BaseChatModelCallOptions>);
  }

  override async *_streamResponseChunks(messages: BaseMessage[], options: this["ParsedCallOptions"]): AsyncGenerator<ChatGenerationChunk> {
    this.calls.push({ messages, options });
    const chunks = this.script.shift() ?? [{ content: "(no script)" }];
    for (const chunk of chunks) {
      const message = new AIMessageChunk({
        content: chunk.content ?? "",
        tool_call_chunks: (chunk.toolCallChunks ?? []).map((c) => ({ ...c, type: "tool_call_chunk" as const })),
        ...(chunk.usage ? { usage_metadata: chunk.usage } : {}),
      });
      yield new ChatGenerationChunk({ message, text: chunk.content ?? "" });
    }
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    let final: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options)) final = final ? concat(final, chunk) : chunk;
    return { generations: final ? [{ message: final.message, text: final.text }] : [] };
  }
}
