export { createAlerts, type AlertsService, type PostAlert, type Text } from "./service";
export type { AlertRow } from "./store";
export { alertsRoutes } from "./routes";
