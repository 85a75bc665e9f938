/** SLA clocks: when each ticket's response and resolution clocks started, paused and fell due. */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as storage moves behind the port
export interface ClockRepository {}
