const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@\s/]*)@/gi;
const AUTHORIZATION = /\b(authorization)(\s*[=:]\s*)(?:(?:Bearer|Basic|Token)\s+)?[^\s,;&]+/gi;
const KEY_VALUE_SECRET =
  /\b(password|passwd|pwd|token|secret|api[_-]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;]+)/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;

/**
 * Removes passwords and tokens from text that may reach a log line, an error message or an HTTP body:
 * `postgres://user:secret@host` becomes `postgres://user:***@host`, `password=x` becomes `password=***`.
 */
export function redact(text: string): string {
  return text
    .replace(AUTHORIZATION, '$1$2***')
    .replace(URL_PASSWORD, '$1***@')
    .replace(KEY_VALUE_SECRET, '$1$2***')
    .replace(BEARER, '$1***');
}
