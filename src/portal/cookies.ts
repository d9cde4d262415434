/** The portal's session cookie; the admin panel uses its own. */
export const SESSION_COOKIE = 'tally_portal';

/** Header a cookie-authenticated request must carry to change anything (CSRF defence, with SameSite=Strict). */
export const CSRF_HEADER = 'x-requested-with';

/** Cookie header → name/value pairs (first occurrence wins; values are not URL-decoded: ours are base64url). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of (header ?? '').split(';')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq);
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * A Set-Cookie value for the session: HttpOnly (no script can read it), SameSite=Strict (never sent with
 * a cross-site request), Secure when the portal is served over https. maxAgeSec 0 deletes it.
 */
export function sessionCookie(value: string, maxAgeSec: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${value}`, 'Path=/', `Max-Age=${maxAgeSec}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}
