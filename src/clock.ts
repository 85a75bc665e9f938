/** The one source of "now". Domain code never reads the real clock; it is handed an instant. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that can be pinned to an instant (tests, the shell's `:clock`, `deskops tick --at`). */
export class SettableClock implements Clock {
  private pinned: Date | undefined;
  constructor(
    private readonly fallback: Clock = systemClock,
    pinned?: Date,
  ) {
    this.pinned = pinned;
  }
  now(): Date {
    return this.pinned ? new Date(this.pinned.getTime()) : this.fallback.now();
  }
  set(instant: Date | undefined): void {
    this.pinned = instant ? new Date(instant.getTime()) : undefined;
  }
  advance(ms: number): void {
    this.pinned = new Date(this.now().getTime() + ms);
  }
}
