// Public face of @hvkit/mmu: address translation and PMP for one RISC-V hart.
export { HgatpMode, Mmu, type MmuOptions, type MmuState, SatpMode, satpModeSupported } from './mmu.js';
export { PMP_A, PMP_ENTRIES, PMP_L, PMP_R, PMP_W, PMP_X, Pmp, PmpMatch } from './pmp.js';
export {
  PageWalker,
  type PhysicalChecker,
  PTE_A,
  PTE_D,
  PTE_G,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  WALK_OK,
  WALK_RETRY,
} from './walk.js';
