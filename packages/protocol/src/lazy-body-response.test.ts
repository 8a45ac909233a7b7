import { describe, expect, it } from "vitest";
import { isLazyBodyResponse, lazyBodyResponse } from "./lazy-body-response.js";

const bytesOf = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });

describe("lazyBodyResponse", () => {
  it("is a Response with its status and headers, and makes no body until it is read", () => {
    let made = 0;
    const response = lazyBodyResponse(
      () => {
        made++;
        return bytesOf("hi");
      },
      { status: 201, statusText: "Created", headers: { "x-a": "1" } },
    );
    expect(response).toBeInstanceOf(Response);
    expect(isLazyBodyResponse(response)).toBe(true);
    expect(isLazyBodyResponse(new Response(null))).toBe(false);
    expect([response.status, response.statusText, response.ok, response.headers.get("x-a")]).toEqual([201, "Created", true, "1"]);
    expect(response.bodyUsed).toBe(false);
    expect(made).toBe(0);
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(response.body).toBe(response.body);
    expect(made).toBe(1);
  });

  it("reads through text(), json() and arrayBuffer(), once, like a plain response", async () => {
    const text = lazyBodyResponse(() => bytesOf("hello"), { status: 200, headers: {} });
    expect(await text.text()).toBe("hello");
    expect(text.bodyUsed).toBe(true);
    await expect(text.text()).rejects.toThrow(TypeError);
    const json = lazyBodyResponse(() => bytesOf('{"a":1}'), { status: 400, headers: {} });
    expect(await json.json()).toEqual({ a: 1 });
    const buffer = lazyBodyResponse(() => bytesOf("ab"), { status: 200, headers: {} });
    expect(new Uint8Array(await buffer.arrayBuffer())).toEqual(new Uint8Array([97, 98]));
  });

  it("clones, and copies into a plain response through its public body", async () => {
    const original = lazyBodyResponse(() => bytesOf("both"), { status: 200, headers: { "content-type": "text/plain" } });
    const clone = original.clone();
    expect(await clone.text()).toBe("both");
    const copy = new Response(original.body, original);
    expect(copy.headers.get("content-type")).toBe("text/plain");
    expect(await copy.text()).toBe("both");
  });

  it("hands out its body stream alone (no response behind it yet), read later by text() or by its reader", async () => {
    const held = lazyBodyResponse(() => bytesOf("held"), { status: 200, headers: {} });
    const stream = held.body;
    expect(held.bodyUsed).toBe(false);
    expect(held.body).toBe(stream);
    expect(await held.text()).toBe("held");
    expect(held.bodyUsed).toBe(true);
    const read = lazyBodyResponse(() => bytesOf("read"), { status: 200, headers: {} });
    const reader = read.body!.getReader();
    expect(read.bodyUsed).toBe(true);
    while (!(await reader.read()).done);
    reader.releaseLock();
    expect(read.bodyUsed).toBe(true);
    await expect(read.text()).rejects.toThrow(TypeError);
    expect(() => read.clone()).toThrow(TypeError);
  });

  it("may have no body at all", async () => {
    const empty = lazyBodyResponse(() => null, { status: 200, headers: {} });
    expect(empty.body).toBeNull();
    expect(await empty.text()).toBe("");
  });
});
