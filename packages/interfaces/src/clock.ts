/**
 * A source of time for the board (STYLE.md 8). Injected so that a run can be
 * deterministic (time follows instructions retired) or real (time follows the host).
 */
export interface Clock {
  /** Current time in ticks of `frequency` Hz since the clock was created. */
  now(): number;
  /** Tick rate in Hz (the virt board's mtime runs at 10 MHz). */
  readonly frequency: number;
}
