/** Comments on tickets (public replies and internal notes) and where they came from. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface CommentRepository {}
