/** The audit trail: every state change, who made it, before and after. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface AuditRepository {}
