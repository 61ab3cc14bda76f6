export { createContacts, type ContactsService, type InboundIdentity } from "./service";
export type { ContactPatch } from "./edit";
export type { AttributeValue } from "./validate";
export type { ContactRow } from "./store";
export { contactsApi as contactsRoutes } from "./api";
export { contactJson, ContactJson } from "./model";
export * as phone from "./phone";
