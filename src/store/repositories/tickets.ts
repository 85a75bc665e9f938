/** Tickets and their comments: creating, reading, updating, listing. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface TicketRepository {}
