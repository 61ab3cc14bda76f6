export { GraphClient, GraphError, type GraphTarget, type SendResult } from "./graph";
export { Intake } from "./intake";
export { Processor } from "./processor";
export { MediaFetcher } from "./media";
export { whatsappRoutes, mediaRoutes } from "./routes";
export { signBody, verifySignature, escapedJson } from "./signature";
export { webhookSecret } from "./secret";
export { webhookReceiver } from "./receiver";
