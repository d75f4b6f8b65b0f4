import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when an Authorization header value is `Bearer <token>`; compared in constant time. */
export function isBearerToken(header: string, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

/** True when the request carries `Authorization: Bearer <token>`; compared in constant time. */
export function hasBearerToken(request: Request, token: string): boolean {
  return isBearerToken(request.headers.get('authorization') ?? '', token);
}
