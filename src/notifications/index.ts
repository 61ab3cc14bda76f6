export { createNotifications, type NotificationsService, type NewNotification } from "./service";
export type { NotificationRow } from "./store";
export { notificationsApi as notificationsRoutes } from "./api";
