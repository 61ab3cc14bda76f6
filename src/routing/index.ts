export { createRouting, type RoutingService, type AgentView } from "./service";
export type { AssignTarget } from "./manual";
export type { Presence } from "./presence";
export { routingRoutes } from "./routes";
