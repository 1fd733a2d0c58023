// Public face of @hvkit/hypervisor-type2: the hosted hypervisor's VM manager and its
// HostOs port. The Node implementation of the port is `@hvkit/hypervisor-type2/node`.
export {
  checkConfig,
  DEFAULT_MEMORY,
  type DiskConfig,
  MAX_MEMORY,
  MAX_VCPUS,
  type NetConfig,
  type VmConfig,
} from './config.js';
export { HostError, VmConfigError, VmStartError } from './errors.js';
export type {
  ConsoleOptions,
  DiskHandle,
  DiskImage,
  DiskOpenOptions,
  HostClock,
  HostConsole,
  HostOs,
  NetAttachment,
  NetAttachOptions,
  VmThread,
  VmThreadServices,
} from './host-os.js';
export { HUB_NAME_PATTERN } from './host-os.js';
export * from './hub/protocol.js';
export { type MemoryDiskOptions, memoryDisk, memoryDiskBackend } from './memory-disk.js';
export type { FromVmThread, ToVmThread, VmOutcome, VmStats, VmThreadConfig } from './protocol.js';
export { createVm, type Vm, type VmEvents, type VmExit, type VmState } from './vm.js';
export { runVmThread, type VmThreadPort } from './vm-thread.js';
