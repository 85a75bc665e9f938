/** Mail messages, attachments, blocked senders and bouncing addresses. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface MailRepository {}
