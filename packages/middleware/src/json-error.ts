export { jsonErrorResponse as jsonError } from "@copilot-runtime/protocol";

/** Compares two strings in time that depends only on their lengths (for secrets). */
export function safeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let difference = a.length ^ b.length;
  for (let i = 0; i < length; i++) difference |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return difference === 0;
}

/** CORS preflights carry no credentials: auth middleware let them through to `cors`. */
export function isPreflight(request: Request): boolean {
  return request.method === "OPTIONS" && request.headers.has("access-control-request-method");
}
