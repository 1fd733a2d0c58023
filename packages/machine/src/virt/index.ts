export {
  InstructionClock,
  type InstructionCounter,
  isSkippable,
  ManualClock,
  RealTimeClock,
  type SkippableClock,
  VIRT_TIMEBASE_HZ,
} from './clock.js';
export { HTIF_EXIT, HTIF_IDLE, HTIF_PUTCHAR, HTIF_UNSUPPORTED, Htif } from './htif.js';
export {
  DEFAULT_SLICE,
  type MachineEvents,
  type RunOptions,
  type RunOutcome,
  type RunStats,
  VirtMachine,
  type VirtMachineOptions,
} from './machine.js';
export * from './memory-map.js';
