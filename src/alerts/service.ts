// Admin alerts: the notification list in the header. Any capability posts conditions that need a person
// (a number stopped, an account locked, a webhook secret missing); a repeated condition updates its open alert.
import type { Platform } from "../deps";
import { countOpenAlerts, dismissAlert, getAlert, listOpenAlerts, resolveAlertKey, upsertAlert, type AlertRow } from "./store";

declare module "../platform/bus" {
  interface Events {
    "alert.posted": { alertId: number; level: AlertRow["level"] };
  }
}

/** A UI text key and its placeholder values. */
export type Text = [key: string, vars?: Record<string, string | number>];

export interface PostAlert {
  level: AlertRow["level"];
  /** English text, for logs, the API and readers without a translation. */
  title: string;
  body?: string;
  /** The same title and body as text keys, so each admin reads them in their language. */
  i18n?: { title: Text; body?: Text };
  link?: string | null;
  /** One open alert per key: posting the same key again updates it. */
  key?: string;
}

export interface AlertsService {
  post(a: PostAlert): number;
  dismiss(id: number, by: number | null): boolean;
  /** Closes the open alert for a condition that has gone away. */
  resolve(key: string): void;
  listOpen(): AlertRow[];
  countOpen(): number;
  get(id: number): AlertRow | null;
}

export function createAlerts(p: Platform): AlertsService {
  return {
    post(a) {
      const id = upsertAlert(p.db, { level: a.level, title: a.title, body: a.body ?? "", link: a.link ?? null, dedupe_key: a.key ?? null, i18n: a.i18n ? JSON.stringify(a.i18n) : null }, p.clock.now());
      p.log.warn("admin alert", { alert: id, level: a.level, title: a.title });
      p.bus.emit("alert.posted", { alertId: id, level: a.level });
      p.bus.emit("alert.changed", { alertId: id });
      return id;
    },
    dismiss(id, by) {
      const ok = dismissAlert(p.db, id, by, p.clock.now());
      if (ok) p.bus.emit("alert.changed", { alertId: id });
      return ok;
    },
    resolve(key) {
      if (resolveAlertKey(p.db, key, p.clock.now()) > 0) p.bus.emit("alert.changed", { alertId: 0 });
    },
    listOpen: () => listOpenAlerts(p.db),
    countOpen: () => countOpenAlerts(p.db),
    get: (id) => getAlert(p.db, id),
  };
}
