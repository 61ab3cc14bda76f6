export { createSearch, SEARCH_KINDS, SCAN_LIMIT, MAX_COMPLETIONS, type SearchService, type SearchResults, type SearchOptions, type SearchKind } from "./service";
export { parseQuery, parseContactQuery, expandPrefix, fold, type ParsedQuery, type Term } from "./query";
export { highlight, type Segment } from "./highlight";
export { searchRoutes } from "./routes";
