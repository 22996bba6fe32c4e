/** The console's session cookie: it holds the read token itself (see README "Web console"). */
export const SESSION_COOKIE = 'aos_session';

/** Twelve hours: a person signs in again each day. */
const MAX_AGE_SECONDS = 12 * 60 * 60;

/** The value of one cookie of a Cookie header, or undefined. */
export const cookieValue = (header: string | undefined, name: string): string | undefined => {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
};

/** Set-Cookie of a session: HttpOnly (no script reads it), SameSite=Strict (no other site's page
 * sends it), Secure when the request came over HTTPS. */
export const sessionCookie = (token: string, secure: boolean): string =>
  `${SESSION_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${MAX_AGE_SECONDS}` +
  (secure ? '; Secure' : '');

/** Set-Cookie that ends the session. */
export const clearedSessionCookie = (): string =>
  `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
