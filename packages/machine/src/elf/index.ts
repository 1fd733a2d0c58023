export { type ElfImage, EM_RISCV, parseElf } from './elf.js';
export {
  type BootImage,
  checkImageFits,
  copyImage,
  type ElfSymbol,
  type ImageSegment,
  rawImage,
  segmentPhysical,
} from './image.js';
export {
  isElf,
  isLinuxImage,
  LINUX_IMAGE_HEADER_SIZE,
  type LinuxImageHeader,
  linuxImage,
  parseLinuxImageHeader,
} from './linux-image.js';
