export { createTokens, type TokensService, type TokenInput, TOKEN_PREFIX } from "./service";
export type { TokenView } from "./store";
export { tokensRoutes } from "./routes";
