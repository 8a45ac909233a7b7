import { describe, expect, it } from "vitest";
import { assignToolNames, providerToolName, type NamedTool } from "./tool-names.js";

const tool = (server: string, name: string): NamedTool<string> => ({ server, name, tool: `${server}/${name}` });
const names = (tools: NamedTool<string>[], reserved: string[] = []) =>
  Object.fromEntries([...assignToolNames(tools, new Set(reserved))].map(([name, entry]) => [name, entry.tool]));

describe("providerToolName", () => {
  it.each([
    ["search", "search"],
    ["files.read", "files_read"],
    ["get weather/now", "get_weather_now"],
    ["", "tool"],
    ["x".repeat(80), "x".repeat(64)],
  ])("%j → %j", (raw, expected) => expect(providerToolName(raw)).toBe(expected));
});

describe("assignToolNames: the name-clash rule", () => {
  it("keeps every tool's own name when nothing clashes", () => {
    expect(names([tool("docs", "search"), tool("wiki", "lookup")])).toEqual({ search: "docs/search", lookup: "wiki/lookup" });
  });

  it("prefixes a tool whose name an app action holds", () => {
    expect(names([tool("docs", "search")], ["search"])).toEqual({ docs_search: "docs/search" });
  });

  it("the first server in configuration order keeps a shared name; a later one is prefixed", () => {
    expect(names([tool("docs", "search"), tool("wiki", "search")])).toEqual({ search: "docs/search", wiki_search: "wiki/search" });
  });

  it("numbers a prefixed name that is still taken", () => {
    expect(names([tool("a", "x"), tool("a", "x"), tool("a", "x")], ["a_x"])).toEqual({ x: "a/x", a_x_2: "a/x", a_x_3: "a/x" });
  });

  it("makes names provider-safe before comparing them, and keeps them within 64 characters", () => {
    const long = "t".repeat(64);
    const result = names([tool("srv", "files.read"), tool("srv", "files_read"), tool("srv", long), tool("other", long)]);
    expect(Object.keys(result)).toEqual(["files_read", "srv_files_read", long, `other_${long}`.slice(0, 64)]);
  });
});
