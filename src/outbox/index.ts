export { createOutbox, type OutboxService, type SendRequest, type SendType, type Enqueued } from "./service";
export { SendLoops } from "./supervisor";
export { Pacer, RAMP, nextRamp } from "./pacer";
export { tierLimit, portfolioOf } from "./limits";
export { messagesApi } from "./api";
