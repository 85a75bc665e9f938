/** Reply signatures, terms and answer clusters of the duplicate-answer detector. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface DuplicateAnswerRepository {}
