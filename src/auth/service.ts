// Sign-in, sessions, the second factor and the first-run setup. Sessions are random tokens whose SHA-256 is
// the row id (Lucia's recipe): a stolen database does not yield usable cookies.
import type { Actor } from "./actor";
import type { AuditService, AuditWho } from "../audit";
import type { AlertsService } from "../alerts";
import type { Platform } from "../deps";
import { AppError, forbidden, invalid } from "../platform/errors";
import { randomToken, sha256 } from "../platform/ids";
import type { RolesService } from "../roles";
import type { SettingsService } from "../settings";
import type { TokensService } from "../tokens";
import type { UsersService, UserView } from "../users";
import { burnPasswordCheck, hashPassword, passwordProblems, verifyPassword } from "./passwords";
import { clearFailures, emailKey, ipKey, lockedFor, recordFailure } from "./throttle";
import { newTotpSecret, otpauthUri, verifyTotp } from "./totp";
import * as store from "./store";

/** Per-IP limit: high, because a whole office signs in from one NAT address at 9:00. */
const IP_POLICY = { limit: 100, windowMs: 15 * 60_000, lockMs: 5 * 60_000 };
const CHALLENGE_MS = 5 * 60_000;
const CHALLENGE_ATTEMPTS = 5;
const TOUCH_EVERY_MS = 60_000;

export type LoginResult =
  | { kind: "session"; token: string; user: UserView; next: string | null }
  | { kind: "totp"; challenge: string }
  | { kind: "denied"; status: 401 | 429; minutes?: number };

export interface LoginInput {
  email: string;
  password: string;
  ip: string;
  userAgent: string;
  next?: string | null;
  /** The cookie token of the session this browser had, rotated away on sign-in. */
  previous?: string | null;
}

export interface AuthService {
  login(input: LoginInput): Promise<LoginResult>;
  /** Second step of a sign-in with TOTP (or a recovery code). */
  completeChallenge(challenge: string, code: string, ip: string, userAgent: string, previous?: string | null): LoginResult | { kind: "retry" };
  /** The actor for a session cookie token, or null (unknown, expired, idle, user disabled). */
  sessionActor(token: string): Actor | null;
  /** The actor for a Bearer token, or null. */
  tokenActor(secret: string): Actor | null;
  actorFor(user: UserView, session: store.SessionRow | null): Actor;
  logout(token: string, who: AuditWho): void;
  logoutEverywhere(userId: number, who: AuditWho, keepToken?: string | null): number;
  sessions(userId: number): store.SessionRow[];
  changePassword(actor: Actor, current: string, next: string, who: AuditWho, keepToken: string | null): Promise<void>;
  beginTotp(userId: number): { secret: string; uri: string };
  /** The otpauth URI of a setup in progress (for its QR code), or null. */
  pendingTotpUri(userId: number): string | null;
  confirmTotp(userId: number, code: string, who: AuditWho): string[];
  disableTotp(userId: number, password: string, who: AuditWho): Promise<void>;
  /** Admin: clears a user's second factor (lost phone). */
  resetTotp(userId: number, who: AuditWho): void;
  recoveryCodesLeft(userId: number): number;
  /** Admin: lifts an email's lockout. */
  unlock(email: string, who: AuditWho): void;
  lockedMinutes(email: string): number;
  /** First-run setup: a one-time token printed on the console while no user exists. */
  setupToken(): string | null;
  checkSetupToken(token: string): boolean;
  completeSetup(token: string, input: { email: string; name: string; password: string }, who: AuditWho): Promise<UserView>;
  sweep(): void;
}

function newCodes(): string[] {
  return Array.from({ length: 10 }, () => randomToken(8).replace(/[-_]/g, "x").slice(0, 10).toLowerCase());
}

export function createAuth(p: Platform, deps: { users: UsersService; roles: RolesService; tokens: TokensService; settings: SettingsService; audit: AuditService; alerts: AlertsService }): AuthService {
  const { users, roles, tokens, settings, audit, alerts } = deps;
  let setupTokenHash: string | null = null;
  let setupTokenPlain: string | null = null;

  const emailPolicy = () => ({ limit: settings.get("lockout_threshold"), windowMs: 15 * 60_000, lockMs: settings.get("lockout_minutes") * 60_000 });
  const idleMs = () => settings.get("session_idle_hours") * 3_600_000;

  function startSession(user: UserView, ip: string, userAgent: string, previous?: string | null): string {
    if (previous) store.deleteSession(p.db, sha256(previous));
    const token = randomToken(32);
    const now = p.clock.now();
    store.insertSession(p.db, {
      id: sha256(token),
      user_id: user.id,
      csrf_token: randomToken(24),
      created_at: now,
      last_seen_at: now,
      expires_at: now + settings.get("session_max_days") * 86_400_000,
      ip,
      user_agent: userAgent.slice(0, 300),
    });
    users.recordLogin(user.id);
    return token;
  }

  function fail(email: string, user: UserView | null, ip: string, userAgent: string, reason: string): LoginResult {
    const now = p.clock.now();
    const lockedEmail = recordFailure(p.db, emailKey(email), emailPolicy(), now);
    const lockedIp = recordFailure(p.db, ipKey(ip), IP_POLICY, now);
    audit.record({ actor: null, ip, userAgent, label: email.slice(0, 254) }, { action: "auth.login_failed", target: user ? { kind: "user", id: user.id, label: user.email } : undefined, details: { reason } });
    p.metrics.inc("centralino_login_failures_total", "Failed sign-in attempts.");
    if (lockedEmail && user) {
      const vars = { email: user.email, n: settings.get("lockout_threshold"), minutes: settings.get("lockout_minutes") };
      alerts.post({
        level: "warning",
        key: `lockout:${user.id}`,
        title: `Sign-in locked for ${user.email}`,
        body: `${vars.n} failed attempts; locked for ${vars.minutes} minutes.`,
        i18n: { title: ["alerts.lockout_title", vars], body: ["alerts.lockout_body", vars] },
        link: `/users/${user.id}`,
      });
    }
    if (lockedIp) {
      const vars = { ip, n: IP_POLICY.limit };
      alerts.post({
        level: "warning",
        key: `lockout-ip:${ip}`,
        title: `Many failed sign-ins from ${ip}`,
        body: `${IP_POLICY.limit} failures within 15 minutes; that address waits 5 minutes.`,
        i18n: { title: ["alerts.lockout_ip_title", vars], body: ["alerts.lockout_ip_body", vars] },
      });
    }
    return { kind: "denied", status: 401 };
  }

  const svc: AuthService = {
    async login({ email, password, ip, userAgent, next, previous }) {
      const now = p.clock.now();
      const normalized = email.trim().toLowerCase();
      const wait = Math.max(lockedFor(p.db, emailKey(normalized), now), lockedFor(p.db, ipKey(ip), now));
      if (wait > 0) {
        audit.record({ actor: null, ip, userAgent, label: normalized.slice(0, 254) }, { action: "auth.login_failed", details: { reason: "locked" } });
        return { kind: "denied", status: 429, minutes: Math.ceil(wait / 60_000) };
      }
      const user = normalized ? users.byEmail(normalized) : null;
      if (!user) {
        await burnPasswordCheck(password);
        return fail(normalized, null, ip, userAgent, "unknown_email");
      }
      if (!(await verifyPassword(password, user.password_hash))) return fail(normalized, user, ip, userAgent, "wrong_password");
      if (user.status !== "active") return fail(normalized, user, ip, userAgent, "disabled");
      clearFailures(p.db, emailKey(normalized));
      if (user.totp_secret) {
        const challenge = randomToken(24);
        store.insertChallenge(p.db, { id: sha256(challenge), user_id: user.id, attempts: 0, next_path: next ?? null, expires_at: now + CHALLENGE_MS });
        return { kind: "totp", challenge };
      }
      const token = startSession(user, ip, userAgent, previous);
      audit.record({ actor: svc.actorFor(user, null), ip, userAgent }, { action: "auth.login", target: { kind: "user", id: user.id, label: user.email } });
      return { kind: "session", token, user, next: next ?? null };
    },

    completeChallenge(challenge, code, ip, userAgent, previous) {
      const now = p.clock.now();
      const row = store.getChallenge(p.db, sha256(challenge));
      if (!row || row.expires_at <= now || row.attempts >= CHALLENGE_ATTEMPTS) {
        if (row) store.deleteChallenge(p.db, row.id);
        return { kind: "denied", status: 401 };
      }
      const user = users.get(row.user_id);
      if (!user || user.status !== "active" || !user.totp_secret) return { kind: "denied", status: 401 };
      const secret = p.sealer.open(user.totp_secret);
      const step = verifyTotp(secret, code, now, user.totp_last_step);
      const usedRecovery = step === null && store.useRecoveryCode(p.db, user.id, sha256(code.trim().toLowerCase()), now);
      if (step === null && !usedRecovery) {
        store.bumpChallenge(p.db, row.id);
        audit.record({ actor: null, ip, userAgent, label: user.email }, { action: "auth.login_failed", target: { kind: "user", id: user.id, label: user.email }, details: { reason: "wrong_totp" } });
        return row.attempts + 1 >= CHALLENGE_ATTEMPTS ? { kind: "denied", status: 401 } : { kind: "retry" };
      }
      if (step !== null) users.setTotpState(user.id, { totp_last_step: step });
      store.deleteChallenge(p.db, row.id);
      const token = startSession(user, ip, userAgent, previous);
      audit.record({ actor: svc.actorFor(user, null), ip, userAgent }, { action: "auth.login", target: { kind: "user", id: user.id, label: user.email }, details: { second_factor: usedRecovery ? "recovery_code" : "totp" } });
      return { kind: "session", token, user, next: row.next_path };
    },

    sessionActor(token) {
      if (!token || token.length > 100) return null;
      const now = p.clock.now();
      const s = store.getSession(p.db, sha256(token));
      if (!s) return null;
      if (s.expires_at <= now || now - s.last_seen_at > idleMs()) {
        store.deleteSession(p.db, s.id);
        return null;
      }
      const user = users.get(s.user_id);
      if (!user || user.status !== "active") return null;
      if (now - s.last_seen_at > TOUCH_EVERY_MS) store.touchSession(p.db, s.id, now);
      return svc.actorFor(user, s);
    },

    tokenActor(secret) {
      const row = tokens.lookup(secret);
      if (!row) return null;
      if (row.user_id !== null) {
        const user = users.get(row.user_id);
        if (!user || user.status !== "active") return null;
        return { ...svc.actorFor(user, null), kind: "token", tokenId: row.id };
      }
      const role = roles.get(row.role_id!);
      if (!role) return null;
      return { kind: "token", userId: null, tokenId: row.id, label: `token:${row.name}`, name: row.name, roleKey: role.key, perms: roles.perms(role.id), session: null, language: null, theme: "auto", mustChangePassword: false };
    },

    actorFor(user, session) {
      return {
        kind: "user",
        userId: user.id,
        tokenId: null,
        label: user.email,
        name: user.name,
        roleKey: user.role_key,
        perms: roles.perms(user.role_id),
        session: session ? { id: session.id, csrf: session.csrf_token } : null,
        language: user.language,
        theme: user.theme,
        mustChangePassword: user.must_change_password === 1,
      };
    },

    logout(token, who) {
      store.deleteSession(p.db, sha256(token));
      audit.record(who, { action: "auth.logout" });
    },

    logoutEverywhere(userId, who, keepToken = null) {
      const n = store.deleteUserSessions(p.db, userId, keepToken ? sha256(keepToken) : null);
      audit.record(who, { action: "auth.logout_everywhere", target: { kind: "user", id: userId }, details: { sessions: n } });
      return n;
    },

    sessions: (userId) => store.listUserSessions(p.db, userId),

    async changePassword(actor, current, next, who, keepToken) {
      const user = users.get(actor.userId ?? -1);
      if (!user) throw forbidden("Only a signed-in person can change their password.");
      if (!(await verifyPassword(current, user.password_hash))) throw invalid([{ field: "current_password", message: "is not your current password" }]);
      const problems = passwordProblems(next, user.email, "new_password");
      if (current === next) problems.push({ field: "new_password", message: "must differ from the current one" });
      if (problems.length) throw invalid(problems);
      users.setPasswordHash(user.id, await hashPassword(next));
      const ended = store.deleteUserSessions(p.db, user.id, keepToken ? sha256(keepToken) : null);
      audit.record(who, { action: "auth.password_change", target: { kind: "user", id: user.id, label: user.email }, details: { other_sessions_ended: ended } });
    },

    beginTotp(userId) {
      const user = users.get(userId)!;
      const secret = newTotpSecret();
      users.setTotpState(userId, { totp_pending: p.sealer.seal(secret) });
      return { secret, uri: otpauthUri(secret, user.email, settings.get("workspace_name")) };
    },

    pendingTotpUri(userId) {
      const user = users.get(userId);
      if (!user?.totp_pending) return null;
      return otpauthUri(p.sealer.open(user.totp_pending), user.email, settings.get("workspace_name"));
    },

    confirmTotp(userId, code, who) {
      const user = users.get(userId)!;
      if (!user.totp_pending) throw new AppError(409, "no_pending_totp", "Start the two-factor setup again.");
      const secret = p.sealer.open(user.totp_pending);
      const step = verifyTotp(secret, code, p.clock.now(), null);
      if (step === null) throw invalid([{ field: "code", message: "is not the current code of your authenticator app; check the phone's clock and try the newest code" }]);
      const codes = newCodes();
      p.db.tx(() => {
        users.setTotpState(userId, { totp_secret: user.totp_pending, totp_pending: null, totp_last_step: step });
        store.replaceRecoveryCodes(p.db, userId, codes.map(sha256));
        audit.record(who, { action: "auth.totp_enable", target: { kind: "user", id: userId, label: user.email } });
      });
      return codes;
    },

    async disableTotp(userId, password, who) {
      const user = users.get(userId)!;
      if (!(await verifyPassword(password, user.password_hash))) throw invalid([{ field: "password", message: "is not your current password" }]);
      svc.resetTotp(userId, who);
    },

    resetTotp(userId, who) {
      const user = users.get(userId);
      if (!user) return;
      p.db.tx(() => {
        users.setTotpState(userId, { totp_secret: null, totp_pending: null, totp_last_step: null });
        store.deleteRecoveryCodes(p.db, userId);
        audit.record(who, { action: "auth.totp_disable", target: { kind: "user", id: userId, label: user.email } });
      });
    },

    recoveryCodesLeft: (userId) => store.countRecoveryCodes(p.db, userId),

    unlock(email, who) {
      clearFailures(p.db, emailKey(email));
      const user = users.byEmail(email);
      if (user) alerts.resolve(`lockout:${user.id}`);
      audit.record(who, { action: "auth.unlock", target: { kind: "user", id: user?.id ?? email, label: email } });
    },

    lockedMinutes: (email) => Math.ceil(lockedFor(p.db, emailKey(email), p.clock.now()) / 60_000),

    setupToken() {
      if (users.list({ afterId: 0, limit: 1 }).length) return null;
      if (!setupTokenPlain) {
        setupTokenPlain = randomToken(24);
        setupTokenHash = sha256(setupTokenPlain);
      }
      return setupTokenPlain;
    },

    checkSetupToken(token) {
      return !!setupTokenHash && !!token && sha256(token) === setupTokenHash && users.list({ afterId: 0, limit: 1 }).length === 0;
    },

    async completeSetup(token, input, who) {
      if (!svc.checkSetupToken(token)) throw forbidden("This setup link is no longer valid: an owner already exists, or the server restarted and printed a new link.");
      const user = await users.createOwner(input.email, input.name, input.password, who);
      setupTokenHash = setupTokenPlain = null;
      return user;
    },

    sweep() {
      const now = p.clock.now();
      store.deleteExpiredSessions(p.db, now, idleMs());
      store.deleteExpiredChallenges(p.db, now);
      store.deleteStaleThrottles(p.db, now - 86_400_000);
    },
  };

  p.bus.on("user.changed", ({ userId, endSessions }) => {
    if (endSessions) store.deleteUserSessions(p.db, userId);
  });
  return svc;
}
