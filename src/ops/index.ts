export { opsRoutes, health, VERSION } from "./routes";
