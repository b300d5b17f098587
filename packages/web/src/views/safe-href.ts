/** Only http(s) URLs become links; anything else (javascript:, data:) is dropped. */
export function safeHref(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : "#";
  } catch {
    return "#";
  }
}
