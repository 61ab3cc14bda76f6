export { createAlerts, type AlertsService, type PostAlert } from "./service";
export type { AlertRow } from "./store";
export { alertsRoutes } from "./routes";
