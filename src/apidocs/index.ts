export { apidocsRoutes } from "./routes";
export { openApiDocument } from "./openapi";
