export {
  type BiosOption,
  type BootMode,
  enterMachine,
  enterSupervisor,
  imageSpans,
  type KernelFormat,
  placeDtb,
  placeInitrd,
  type ResolvedImages,
  resolveImages,
  type Span,
} from './boot.js';
export {
  InstructionClock,
  type InstructionCounter,
  isSkippable,
  ManualClock,
  RealTimeClock,
  type SkippableClock,
  VIRT_TIMEBASE_HZ,
} from './clock.js';
export {
  VIRT_ISA,
  VIRT_ISA_BASE,
  VIRT_ISA_EXTENSIONS,
  VIRT_MMU_TYPE,
  VIRT_STDOUT_PATH,
  type VirtDeviceTreeOptions,
  virtDeviceTree,
} from './device-tree.js';
export { HTIF_EXIT, HTIF_IDLE, HTIF_PUTCHAR, HTIF_UNSUPPORTED, Htif } from './htif.js';
export {
  type BootLayout,
  DEFAULT_SLICE,
  halfwordFinisher,
  type MachineEvents,
  type RunOptions,
  type RunOutcome,
  type RunStats,
  VirtMachine,
  type VirtMachineOptions,
} from './machine.js';
export * from './memory-map.js';
export { type NativeSbiBoard, VirtSbiPlatform } from './native-sbi.js';
