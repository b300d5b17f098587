/** A local path to return to after signing in; anything else (another site, //host, \host) is the queue. */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > 2000) return "/queue";
  return /^\/(?![/\\])[^\s\\]*$/.test(next) && !next.startsWith("/signin") && !next.startsWith("/signout") ? next : "/queue";
}
