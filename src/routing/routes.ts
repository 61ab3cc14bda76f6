// Every route of routing: the API and the pages.
import type { Deps } from "../deps";
import { routingApi } from "./api";
import { routingPages } from "./pages";

export const routingRoutes = (d: Deps) => [...routingApi(d), ...routingPages(d)];
