/** Tier rotations and routing of tickets to agents. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface RotationRepository {}
