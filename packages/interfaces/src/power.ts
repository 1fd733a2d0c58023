/**
 * How a device asks the board to end the run: the SiFive test finisher, SBI SRST,
 * a syscon poweroff. The board decides what ending means (exit the process, stop a VM).
 */
export interface PowerControl {
  /** Powers the machine off; `code` 0 is success, anything else a failure code. */
  shutdown(code: number): void;
  /** Asks for a reset of the whole machine. */
  reset(): void;
}
