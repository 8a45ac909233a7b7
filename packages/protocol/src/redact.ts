// Credentials that providers echo back in error messages
// (OpenAI: "Incorrect API key provided: sk-…"), each with its replacement.
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\bsk-[A-Za-z0-9_*-]{4,}/g, "sk-[redacted]"], // OpenAI, Anthropic (sk-ant-…), OpenRouter
  [/\bAIza[A-Za-z0-9_-]{10,}/g, "[redacted]"], // Google API keys
  [/\bgsk_[A-Za-z0-9]{10,}/g, "[redacted]"], // Groq
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [redacted]"],
  [/\b(api[_-]?key|key|token|secret)=[^&\s"']{6,}/gi, "$1=[redacted]"],
];

/**
 * Removes API keys and bearer tokens from a text that may reach a client.
 * `secrets` are exact values to remove as well (e.g. the configured key).
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret != null && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
