import { useEffect, useState } from "react";
import { CopilotKit, useCopilotAction, useCopilotReadable } from "@copilotkit/react-core";
import { CopilotChat } from "@copilotkit/react-ui";

/** The page's own state: a todo list the copilot can read and change. */
function TodoList() {
  const [items, setItems] = useState<string[]>(["Try Copilot Runtime"]);

  useCopilotReadable({ description: "The items on the user's todo list", value: items });

  useCopilotAction({
    name: "addTodo",
    description: "Adds an item to the todo list shown on the page.",
    parameters: [{ name: "item", type: "string", description: "The item to add", required: true }],
    handler: ({ item }: { item: string }) => {
      setItems((previous) => [...previous, item]);
      return `Added "${item}" to the list.`;
    },
  });

  return (
    <section className="todos">
      <h2>Todo list</h2>
      <ul data-testid="todos">
        {items.map((item, index) => (
          <li key={`${index}-${item}`}>{item}</li>
        ))}
      </ul>
      <p className="hint">
        Ask the copilot: <em>“add buy milk to my list”</em>, <em>“say hello to Ada”</em>, <em>“what is the weather in Paris?”</em>
      </p>
    </section>
  );
}

/** The thread survives a reload: it is kept in the URL, so the page rejoins it. */
function threadIdFromUrl(): string {
  const url = new URL(window.location.href);
  let threadId = url.searchParams.get("thread");
  if (!threadId) {
    threadId = crypto.randomUUID();
    url.searchParams.set("thread", threadId);
    window.history.replaceState(null, "", url);
  }
  return threadId;
}

/** The agent the page talks to: `?agent=` (one the runtime lists in /info), else the built-in `default`. */
function agentFromUrl(): string {
  return new URL(window.location.href).searchParams.get("agent") || "default";
}

/** Picks one of the agents the runtime serves (a remote one with REMOTE_AGENT_URL); a new thread per agent. */
function AgentPicker({ agent }: { agent: string }) {
  const [agents, setAgents] = useState<string[]>([agent]);
  useEffect(() => {
    fetch("/api/copilotkit/info")
      .then((response) => response.json() as Promise<{ agents?: Record<string, unknown> }>)
      .then((info) => setAgents(Object.keys(info.agents ?? {})))
      .catch(() => undefined);
  }, []);
  const choose = (next: string) => {
    const url = new URL(window.location.href);
    url.searchParams.set("agent", next);
    url.searchParams.delete("thread");
    window.location.assign(url);
  };
  return (
    <label className="agent-picker">
      Agent{" "}
      <select data-testid="agent" value={agent} onChange={(event) => choose(event.target.value)}>
        {agents.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function App() {
  const [threadId] = useState(threadIdFromUrl);
  const [agent] = useState(agentFromUrl);
  return (
    <CopilotKit runtimeUrl="/api/copilotkit" threadId={threadId} showDevConsole={false} {...(agent === "default" ? {} : { agent })}>
      <main className="layout">
        <header>
          <h1>Copilot Runtime demo</h1>
          <p>CopilotKit’s own React components, talking to Copilot Runtime.</p>
          <AgentPicker agent={agent} />
        </header>
        <TodoList />
        <div className="chat" data-testid="chat">
          <CopilotChat labels={{ title: "Copilot", initial: "Hi! I can add todos, greet people and look up the weather." }} />
        </div>
      </main>
    </CopilotKit>
  );
}
