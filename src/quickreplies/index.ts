import type { Deps } from "../deps";
import { quickRepliesApi } from "./api";
import { quickRepliesPages } from "./pages";

export { createQuickReplies, normalizeShortcut, type QuickRepliesService, type QuickReply } from "./service";
export { renderPlaceholders, unknownPlaceholders, type PlaceholderContext } from "./placeholders";
export { quickReplyJson } from "./api";

/** The quick replies capability's route table: settings page and API. */
export const quickRepliesRoutes = (d: Deps) => [...quickRepliesPages(d), ...quickRepliesApi(d)];
