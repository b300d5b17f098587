/**
 * Redaction of credentials in text that may echo them: platform error messages, thrown errors. The
 * adapters first remove the values of the very credentials they sent (they know them); this is
 * the second line, by shape, for what a platform echoes that no list knows (another token, a
 * signature, a value the adapter never saw): bearer and basic Authorization values, OAuth 1.0a
 * parameters, `access_token=`-style query and form parameters, and JSON (or `name: value`) fields
 * named like credentials. Pure; the same text always gives the same result, and redacting twice
 * changes nothing.
 */

export const REDACTED = "[redacted]";

/** Credential field names (platform-credentials documents, dry-run bodies): their values are secrets. */
export const SECRET_FIELD_NAME = /token|secret|password|jwt|key/i;

const sep = "[_-]?";
/** Field and parameter names whose value is a credential, any case, snake or camel. */
const COMPOUND_NAMES = [
  `access${sep}token${sep}secret`,
  `access${sep}token`,
  `refresh${sep}token`,
  `id${sep}token`,
  `oauth2${sep}access${sep}token`,
  `page${sep}access${sep}token`,
  `fb${sep}exchange${sep}token`,
  `input${sep}token`,
  `token${sep}secret`,
  `access${sep}jwt`,
  `refresh${sep}jwt`,
  `app${sep}password`,
  "password",
  "passwd",
  `client${sep}secret`,
  `app${sep}secret`,
  `appsecret${sep}proof`,
  `consumer${sep}secret`,
  `consumer${sep}key`,
  `api${sep}key`,
  `oauth${sep}token${sep}secret`,
  `oauth${sep}token`,
  `oauth${sep}consumer${sep}key`,
  `oauth${sep}signature`,
  `oauth${sep}nonce`,
  `oauth${sep}verifier`,
];
/** Too common in prose ("access token: Session has expired") to take `token: value` as a credential. */
const BARE_NAMES = ["token", "secret"];

/** An optional quote (maybe backslash-escaped, as in JSON inside a JSON string) around a name. */
const Q = `(?:\\\\?["'])?`;
const name = (names: readonly string[], separator: string) => `(?<![A-Za-z0-9_])${Q}(?:${names.join("|")})${Q}\\s*${separator}\\s*`;
/** Before a quoted value: any credential name, then `:` or `=`. */
const NAME = name([...COMPOUND_NAMES, ...BARE_NAMES], "[:=]");
/** Before an unquoted value: any name then `=`, or a compound name then `:` (so not "token: Session…"). */
const UNQUOTED_NAME = `(?:${name([...COMPOUND_NAMES, ...BARE_NAMES], "=")}|${name(COMPOUND_NAMES, ":")})`;
const NOT_DONE = `(?!\\[redacted\\])`;

/** A bearer or basic credential, not a word of prose ("Bearer token"): 8+ characters with a digit or symbol, or 20+. */
const looksLikeCredential = (value: string): boolean => (value.length >= 8 && /[0-9\-._~+/=]/.test(value)) || value.length >= 20;

const SHAPES: ReadonlyArray<(text: string) => string> = [
  // Authorization: Bearer <token> / Basic <credentials>.
  (text) => text.replace(/\b(Bearer|Basic)(\s+)(?!\[redacted\])([A-Za-z0-9\-._~+/]+=*)/gi, (m, scheme: string, space: string, value: string) => (looksLikeCredential(value) ? `${scheme}${space}${REDACTED}` : m)),
  // JWTs (Bluesky session tokens, OAuth 2 id tokens) wherever they appear.
  (text) => text.replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED),
  // name: \"value\" (JSON inside a JSON string).
  (text) => text.replace(new RegExp(`(${NAME}\\\\")${NOT_DONE}((?:[^"\\\\]|\\\\[^"])*)(\\\\")`, "gi"), `$1${REDACTED}$3`),
  // "name": "value", name="value" (JSON, OAuth 1.0a header parameters).
  (text) => text.replace(new RegExp(`(${NAME}")${NOT_DONE}((?:[^"\\\\]|\\\\.)*)(")`, "gi"), `$1${REDACTED}$3`),
  // name: 'value'
  (text) => text.replace(new RegExp(`(${NAME}')${NOT_DONE}([^']*)(')`, "gi"), `$1${REDACTED}$3`),
  // name=value (query strings, form bodies), name: value (prose, YAML).
  (text) => text.replace(new RegExp(`(${UNQUOTED_NAME})${NOT_DONE}([^\\s"'&,;<>()\\[\\]{}\\\\]+)`, "gi"), `$1${REDACTED}`),
];

/** Removes credential-shaped values from `text` (see the file comment for the shapes). */
export function redactCredentialShapes(text: string): string {
  return SHAPES.reduce((out, shape) => shape(out), text);
}

/**
 * Removes the given credential values (and their percent-encoded forms), then credential shapes.
 * Values shorter than 4 characters are not searched for (they would blank ordinary words).
 */
export function redactCredentials(text: string, values: Iterable<string | undefined> = []): string {
  let out = text;
  const known = new Set<string>();
  for (const value of values) {
    if (value === undefined) continue;
    for (const form of [value, value.trim(), encodeURIComponent(value.trim())]) if (form.length >= 4) known.add(form);
  }
  // Longest first, so a value containing another is removed whole.
  for (const value of [...known].sort((a, b) => b.length - a.length)) out = out.split(value).join(REDACTED);
  return redactCredentialShapes(out);
}

/** The values of a credentials record's secret fields (names like token, secret, password, key). */
export function secretCredentialValues(credentials: Readonly<Record<string, string>>): string[] {
  return Object.entries(credentials)
    .filter(([name, value]) => SECRET_FIELD_NAME.test(name) && value.trim() !== "")
    .map(([, value]) => value);
}
