// Every inbox route, one table (pages, composer, lifecycle, customer panel, starting a conversation, header).
import type { Deps } from "../deps";
import { composeRoutes } from "./compose";
import { contactRoutes } from "./contact-routes";
import { lifecycleRoutes } from "./lifecycle";
import { miscRoutes } from "./misc";
import { pageRoutes } from "./pages";
import { startRoutes } from "./start";

export function inboxRoutes(d: Deps) {
  return [...startRoutes(d), ...miscRoutes(d), ...pageRoutes(d), ...composeRoutes(d), ...lifecycleRoutes(d), ...contactRoutes(d)];
}
