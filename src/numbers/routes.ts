import type { Deps } from "../deps";
import { numbersApi } from "./api";
import { numbersPages } from "./pages";

/** The numbers capability's route table: pages and API. */
export const numbersRoutes = (d: Deps) => [...numbersPages(d), ...numbersApi(d)];
