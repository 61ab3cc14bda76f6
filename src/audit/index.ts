export { createAudit, type AuditService, type AuditWho, type AuditEntry } from "./service";
export { auditRoutes } from "./api";
