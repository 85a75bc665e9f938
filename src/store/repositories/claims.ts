/** One-time claims: platform events seen and commands handled (idempotency). */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface ClaimRepository {}
