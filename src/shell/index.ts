export { shellRoutes, safeNext } from "./routes";
export { NAV, navFor, type NavItem } from "./nav";
