/**
 * Headers of every dashboard and API answer: no inline script or style, nothing loaded from
 * elsewhere, no framing (clickjacking), no MIME sniffing, no Referer leaking trace ids and queries.
 * Element styles set from script (`el.style`) are CSSOM and allowed; `style` attributes in HTML are not.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
