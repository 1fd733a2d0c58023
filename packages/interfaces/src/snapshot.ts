/**
 * Save and restore as plain data (STYLE.md 7): a part's state is an object with
 * named fields and a format version; host-owned things (memory buffers, backends,
 * IRQ wiring) are never in it and arrive again as the part's constructor arguments.
 */
export interface Snapshottable<State extends SnapshotState> {
  /** Returns the part's state as plain data. */
  save(): State;
  /** Puts the part back into `state`, re-asserting any interrupt it implies. */
  restore(state: State): void;
}

/** The common shape of every part's saved state. */
export interface SnapshotState {
  /** Which part wrote it, e.g. `ns16550a`. */
  readonly kind: string;
  /** Format version of that part's state, bumped on any incompatible change. */
  readonly version: number;
}
