/** The outbox: notifications waiting, claimed, sent or failed. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface OutboxRepository {}
