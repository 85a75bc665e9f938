/** Where a ticket's conversation with its requester lives (chat threads, mail), the messages in it, and messages waiting for an agent. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface ConversationRepository {}
