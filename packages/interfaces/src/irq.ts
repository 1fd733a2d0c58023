/**
 * An interrupt line driven by a device and wired by the board (STYLE.md 2).
 * Level-triggered: the device holds it high while it wants service.
 */
export interface IrqLine {
  /** Drives the line to `level`. */
  set(level: boolean): void;
}

/** A line connected to nothing: devices use it when the board wires no interrupt. */
export const NO_IRQ: IrqLine = { set() {} };
