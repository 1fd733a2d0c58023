/*
 * The Node implementation of the HostOs port: disk images are host files, the
 * console is stdin/stdout, networks are UDP hubs on 127.0.0.1, VMs run in worker
 * threads. The only module tree in hvkit's packages that touches node:fs,
 * node:dgram and node:worker_threads.
 */
import type {
  ConsoleOptions,
  DiskImage,
  DiskOpenOptions,
  HostConsole,
  HostOs,
  NetAttachment,
  NetAttachOptions,
  VmThread,
} from '../host-os.js';
import { nodeClock } from './clock.js';
import { openDiskImage } from './disk.js';
import { type InputStream, type OutputStream, StdioConsole } from './stdio-console.js';
import { attachHub } from './udp-hub.js';
import { type NodeVmThreadOptions, startNodeVmThread } from './worker-thread.js';

/** Options of `NodeHostOs`: which streams are the console, and limits of the VM threads. */
export interface NodeHostOsOptions extends NodeVmThreadOptions {
  /** Console input; default `process.stdin`. `null` for none. */
  readonly stdin?: InputStream | null;
  /** Console output; default `process.stdout`. */
  readonly stdout?: OutputStream;
  /** Where the console's escape-key help goes; default `process.stderr`. */
  readonly stderr?: OutputStream;
}

/** The HostOs of a Node process. */
export class NodeHostOs implements HostOs {
  readonly clock = nodeClock;

  constructor(private readonly options: NodeHostOsOptions = {}) {}

  openDisk(path: string, options: DiskOpenOptions): DiskImage {
    return openDiskImage(path, options);
  }

  openConsole(options: ConsoleOptions): HostConsole {
    const stdin = this.options.stdin === undefined ? process.stdin : (this.options.stdin ?? undefined);
    return new StdioConsole({
      stdin,
      stdout: this.options.stdout ?? process.stdout,
      stderr: this.options.stderr ?? process.stderr,
      onQuit: options.onQuit,
      ...(options.holdPipedInputUntil === undefined
        ? {}
        : { holdPipedInputUntil: options.holdPipedInputUntil }),
    });
  }

  attachNet(hub: string, options: NetAttachOptions = {}): Promise<NetAttachment> {
    return attachHub(hub, options);
  }

  startVmThread(): VmThread {
    return startNodeVmThread(
      this.options.resourceLimits === undefined ? {} : { resourceLimits: this.options.resourceLimits },
    );
  }
}
