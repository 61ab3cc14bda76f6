export { createContacts, type ContactsService, type InboundIdentity } from "./service";
export type { ContactRow } from "./store";
export * as phone from "./phone";
