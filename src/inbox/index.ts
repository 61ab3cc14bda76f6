export { inboxRoutes } from "./routes";
export { registerInboxLive } from "./live";
