/** The tag taxonomy and the tags on tickets. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface TagRepository {}
