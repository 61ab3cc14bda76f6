export { profileRoutes } from "./routes";
