import { describe, expect, it } from "vitest";
import { connectionKey, hostAllowed, requestHeaders, secretsOf, serverName } from "./server-config.js";

describe("hostAllowed", () => {
  it.each<[string, string[], boolean]>([
    ["https://mcp.example.com/mcp", ["mcp.example.com"], true],
    ["https://mcp.example.com:8443/mcp", ["mcp.example.com"], true],
    ["https://mcp.example.com:8443/mcp", ["mcp.example.com:8443"], true],
    ["https://mcp.example.com:9000/mcp", ["mcp.example.com:8443"], false],
    ["https://a.b.example.com/mcp", ["*.example.com"], true],
    ["https://example.com/mcp", ["*.example.com"], false],
    ["https://evilexample.com/mcp", ["*.example.com"], false],
    ["https://MCP.Example.com/mcp", ["mcp.example.COM"], true],
    ["http://169.254.169.254/latest", ["mcp.example.com"], false],
    ["http://[::1]:8080/mcp", ["[::1]"], true],
    ["http://user:pw@mcp.example.com.evil.io/mcp", ["mcp.example.com"], false],
  ])("%s with %j: %s", (endpoint, allowed, expected) => {
    expect(hostAllowed(endpoint, allowed)).toBe(expected);
  });
});

describe("serverName", () => {
  it.each([
    [{ endpoint: "https://mcp.example.com/mcp" }, "mcp_example_com"],
    [{ endpoint: "http://127.0.0.1:8080/sse" }, "127_0_0_1_8080"],
    [{ endpoint: "https://mcp.example.com/mcp", name: "docs" }, "docs"],
    [{ command: "/usr/local/bin/my-server" }, "my-server"],
    [{ command: "npx", name: "files" }, "files"],
  ])("%j → %s", (config, name) => expect(serverName(config)).toBe(name));
});

describe("secrets and keys", () => {
  it("the key, header values, a URL password and query values are secrets; env values of a stdio server too", () => {
    expect(
      secretsOf({ endpoint: "https://me:p%40ss@mcp.example.com/mcp?token=abc123&x=1", apiKey: "k-1", headers: { a: "header-value" } }),
    ).toEqual(["k-1", "header-value", "p%40ss", "p@ss", "abc123", "1"]);
    expect(secretsOf({ command: "node", env: { TOKEN: "t-123" } })).toEqual(["t-123"]);
  });

  it("sends the apiKey as a bearer token; a configured authorization header wins", () => {
    expect(requestHeaders({ endpoint: "https://x", apiKey: "k" })).toEqual({ authorization: "Bearer k" });
    expect(requestHeaders({ endpoint: "https://x", apiKey: "k", headers: { authorization: "Basic b" } })).toEqual({
      authorization: "Basic b",
    });
  });

  it("one connection per endpoint and headers, whatever their order or case", () => {
    const a = connectionKey({ endpoint: "https://x/mcp", headers: { "X-A": "1", b: "2" } });
    expect(connectionKey({ endpoint: "https://x/mcp", headers: { b: "2", "x-a": "1" } })).toBe(a);
    expect(connectionKey({ endpoint: "https://x/mcp", headers: { b: "3", "x-a": "1" } })).not.toBe(a);
    expect(connectionKey({ endpoint: "https://y/mcp", headers: { b: "2", "x-a": "1" } })).not.toBe(a);
  });
});
