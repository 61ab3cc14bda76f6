import type { Deps } from "../deps";
import { usersApi } from "./api";
import { usersPages } from "./pages";

/** The users capability's route table: pages and API. */
export const usersRoutes = (d: Deps) => [...usersPages(d), ...usersApi(d)];
