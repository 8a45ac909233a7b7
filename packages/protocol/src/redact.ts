// Credentials that providers echo back in error messages
// (OpenAI: "Incorrect API key provided: sk-…"), each with its replacement.
// Masked echoes ("sk-abcd****wxyz", "AIzaSyAB****wxyz") count: `*` and `…` are key characters here.
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\bsk-[A-Za-z0-9_*…-]{4,}/g, "sk-[redacted]"], // OpenAI, Anthropic (sk-ant-…), OpenRouter
  [/\bAIza[A-Za-z0-9_*…-]{10,}/g, "[redacted]"], // Google API keys
  [/\bgsk_[A-Za-z0-9*…]{10,}/g, "[redacted]"], // Groq
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=*…-]{8,}/gi, "$1 [redacted]"],
  [/\b(api[_-]?key|key|token|secret)=[^&\s"']{6,}/gi, "$1=[redacted]"],
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A secret as providers echo it masked: its first and last four characters
 * around masking (`sk-abcd****wxyz`, `AIza…wxyz`). Only for secrets long enough
 * that four characters at each end still say little about them.
 */
function maskedEcho(secret: string): RegExp | undefined {
  if (secret.length < 16) return undefined;
  return new RegExp(`${escapeRegExp(secret.slice(0, 4))}[A-Za-z0-9_*.…-]{0,256}?${escapeRegExp(secret.slice(-4))}`, "g");
}

/**
 * Removes API keys and bearer tokens from a text that may reach a client.
 * `secrets` are exact values to remove as well (e.g. the configured key),
 * with the masked echoes providers make of them (first and last characters kept).
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret == null || secret.length < 4) continue;
    out = out.split(secret).join("[redacted]");
    const masked = maskedEcho(secret);
    if (masked !== undefined) out = out.replace(masked, "[redacted]");
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 8;

const isPlainData = (value: object) => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
};

function redactIn(value: unknown, secrets: readonly (string | undefined | null)[], seen: Set<object>, depth: number): void {
  if (typeof value !== "object" || value === null || seen.has(value) || depth > MAX_DEPTH) return;
  if (!(value instanceof Error) && !isPlainData(value)) return; // Headers, Response, class instances: left alone
  seen.add(value);
  const target = value as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || !("value" in descriptor)) continue; // getters are not read
    const field = descriptor.value as unknown;
    if (typeof field === "string") {
      const redacted = redactSecrets(field, secrets);
      if (redacted === field) continue;
      if (descriptor.writable) target[key] = redacted;
      else if (descriptor.configurable) Object.defineProperty(value, key, { ...descriptor, value: redacted });
    } else {
      redactIn(field, secrets, seen, depth + 1);
    }
  }
}

/**
 * Removes secrets (as `redactSecrets` does) from an error in place: its message,
 * stack and string fields, the plain data it carries (e.g. an SDK error's parsed
 * error body), and its `cause` chain. Adapters call it on a provider SDK's error
 * before keeping it as the `cause` of their own, so that a host logging the whole
 * chain (`onError`, `onAfterRequest`, `console.error(error)`) logs no key.
 */
export function redactErrorSecrets(error: unknown, secrets: readonly (string | undefined | null)[] = []): void {
  redactIn(error, secrets, new Set(), 0);
}
