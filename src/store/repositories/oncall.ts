/** On-call rotations, overrides, contacts, escalations and the guard's entries. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface OnCallRepository {}
