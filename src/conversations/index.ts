export { createConversations, movesForward, WINDOW_MS, type ConversationsService, type InboundMessage, type StatusUpdate, type Emit } from "./service";
export type { ConversationRow, MessageRow, EventRow } from "./store";
export { conversationsRoutes, visibleNumbers, canSee } from "./routes";
