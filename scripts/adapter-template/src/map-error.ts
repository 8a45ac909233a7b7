import { providerErrorFrom } from "@copilot-runtime/protocol";

/**
 * An HTTP error answer as an error carrying what `providerErrorFrom` reads: the status, the headers
 * (`retry-after`) and the provider's error body, whose message becomes the detail.
 * TODO(template-provider): with an SDK, delete this: its errors carry the status already.
 */
export async function httpError(response: Response): Promise<Error> {
  const text = await response.text().catch(() => "");
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the text is the detail
  }
  const message = typeof body === "string" && body !== "" ? body : `HTTP ${response.status}`;
  return Object.assign(new Error(message), { status: response.status, headers: response.headers, body });
}

/**
 * Anything the request threw → what the runtime expects: an abort stays an abort, an HTTP status (under whatever
 * field an SDK keeps it) becomes its code (401/403 `provider_auth`, 429 `rate_limited`, 5xx `provider_error` or
 * `provider_unavailable`, other 4xx `provider_bad_request`), a refused or broken connection `provider_unavailable`,
 * anything else `provider_error`; the API key is removed from the message and from the error kept as `cause`.
 */
export function toProviderError(error: unknown, context: { signal: AbortSignal; apiKey: string }): Error {
  return providerErrorFrom(error, {
    provider: "template-provider",
    label: "The Template Provider API",
    signal: context.signal,
    secrets: [context.apiKey],
  });
}
