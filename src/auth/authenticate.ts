// Resolves the actor of a request: the session cookie for the web UI, the Bearer token for /api/v1.
// The API never accepts cookies, so a malicious page cannot ride a signed-in browser into it.
import type { Actor } from "./actor";
import type { AuthService } from "./service";
import { clearCookie } from "../platform/cookies";

export const SESSION_COOKIE = "cs_session";

export function authenticate(auth: AuthService, secure: boolean) {
  return (req: Request, cookies: Record<string, string>, api: boolean, headers: Headers): Actor | null => {
    if (api) {
      const h = req.headers.get("authorization") ?? "";
      const m = /^Bearer\s+(\S+)$/i.exec(h);
      return m ? auth.tokenActor(m[1]!) : null;
    }
    const token = cookies[SESSION_COOKIE];
    if (!token) return null;
    const actor = auth.sessionActor(token);
    if (!actor) headers.append("set-cookie", clearCookie(SESSION_COOKIE, secure));
    return actor;
  };
}
