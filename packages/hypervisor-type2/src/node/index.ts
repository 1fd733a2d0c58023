// @hvkit/hypervisor-type2/node: the Node implementation of the HostOs port.
export { nodeClock } from './clock.js';
export { FileDisk, LOCK_SUFFIX, openDiskImage } from './disk.js';
export { NodeHostOs, type NodeHostOsOptions } from './node-host-os.js';
export {
  END_OF_INPUT,
  ESCAPE_HELP,
  type InputStream,
  type OutputStream,
  StdioConsole,
  type StdioConsoleOptions,
} from './stdio-console.js';
export { attachHub, type HubOptions } from './udp-hub.js';
export { type NodeVmThreadOptions, startNodeVmThread } from './worker-thread.js';
