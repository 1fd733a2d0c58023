// Public face of @hvkit/hypervisor-type1: the bare-metal hypervisor, its resource
// allocation table, and the parts it is made of (G-stage writer, MMIO decode).
export { ConsoleMux, GuestConsole } from './console.js';
export {
  decodeInstruction,
  decodeTransformed,
  extendLoad,
  isPageWalkPseudo,
  type MemAccess,
} from './decode.js';
export {
  type GStageMapping,
  GStageTables,
  HGATP_MODE_SV39X4,
  PageAllocator,
  PERM_RW,
  PERM_RWX,
  PTE,
  ROOT_SIZE,
  type TableMemory,
} from './gstage.js';
export {
  type BlockedAccess,
  GUEST_ISA,
  GUEST_ISA_EXTENSIONS,
  type GuestExit,
  type GuestImages,
} from './guest.js';
export {
  type GuestReport,
  HYPERVISOR_CODE,
  type PartitionOutcome,
  type Type1Events,
  Type1Hypervisor,
  type Type1Options,
} from './hypervisor.js';
export {
  BOARD_RAM_BASE,
  BUILTIN_KERNELS,
  checkTable,
  DEFAULT_RESERVED,
  type GuestPlan,
  MAX_BOARD_HARTS,
  MAX_DISKS,
  MAX_VCPUS,
  PASSTHROUGH_DEVICES,
  type PassthroughDevice,
  type Plan,
  parseSize,
  parseTable,
  type TableDisk,
  TableError,
} from './table.js';
export { translateVs } from './vs-walk.js';
