export { createNumbers, DEFAULT_START_RATE, type NumbersService, type ConnectInput, type NumberUpdate } from "./service";
export type { NumberRow, TemplateRow } from "./store";
export { numbersRoutes } from "./routes";
