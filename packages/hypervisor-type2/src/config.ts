import type { CharBackend } from '@hvkit/interfaces';
import { VmConfigError } from './errors.js';
import type { DiskImage } from './host-os.js';

/** Most vCPUs (harts) one VM may have. */
export const MAX_VCPUS = 8;
/** Guest RAM when the configuration does not say: 128 MiB, as the virt board's default. */
export const DEFAULT_MEMORY = 128 * 2 ** 20;
/** Largest guest RAM: 4 GiB (one wasm32 memory). */
export const MAX_MEMORY = 2 ** 32;
/** Granule of guest RAM sizes: 4 KiB. */
export const MEMORY_GRANULE = 4096;

/** A disk to attach: a host image the VM opens (and closes) itself, or an image the caller opened. */
export type DiskConfig = { readonly path: string; readonly readOnly?: boolean } | DiskImage;

/** A network interface to attach: a host-side hub and optionally its MAC address. */
export interface NetConfig {
  /** Name of the hub (see `HostOs.attachNet`). */
  readonly hub: string;
  /** MAC address (6 bytes); default a random locally administered one. */
  readonly mac?: Uint8Array;
}

/** What a VM is made of, and its resource limits. */
export interface VmConfig {
  /** The kernel image bytes: an ELF, or a raw image (a Linux `Image`) with `kernelFormat`. */
  readonly kernel: Uint8Array;
  /** How to read `kernel`: `elf`, `image` (RISC-V Linux Image), `raw`, or `auto` (decided from the bytes); default the board's. */
  readonly kernelFormat?: 'elf' | 'image' | 'raw' | 'auto';
  /** An initial RAM disk placed in guest memory and named in the device tree. */
  readonly initrd?: Uint8Array;
  /** The kernel command line (`/chosen/bootargs`). */
  readonly bootargs?: string;
  /** Firmware: `none` (kernel starts in M-mode), `native` (hvkit's SBI), or firmware bytes. */
  readonly bios?: 'none' | 'native' | Uint8Array;
  /** Guest RAM in bytes: a multiple of 4 KiB, at most 4 GiB; default 128 MiB. */
  readonly memory?: number;
  /** Number of vCPUs (harts), 1 to `MAX_VCPUS`; default 1. */
  readonly vcpus?: number;
  /** virtio-blk disks, in slot order. */
  readonly disks?: readonly DiskConfig[];
  /** virtio-net interfaces, each on a host hub. */
  readonly nets?: readonly NetConfig[];
  /** Attach a virtio-rng device. */
  readonly rng?: boolean;
  /** Host side of the guest console (UART0), on the main thread; output is also emitted as `console` events. */
  readonly console?: CharBackend;
  /** Stop with outcome `timeout` after this many ms of running time (paused time excluded). */
  readonly timeoutMs?: number;
  /** What a guest reset does: boot again from the same images (default, as QEMU) or end the run. */
  readonly onReset?: 'reboot' | 'exit';
  /** Emit `trace` events: every instruction and the board's events (slow). */
  readonly trace?: boolean;
  /** Touch all guest RAM at start, so it is committed up front (as QEMU -mem-prealloc). */
  readonly preallocateMemory?: boolean;
}

/** Checks the resource limits of `config`; throws a one-line `VmConfigError`. */
export function checkConfig(config: VmConfig): void {
  const vcpus = config.vcpus ?? 1;
  if (!Number.isSafeInteger(vcpus) || vcpus < 1 || vcpus > MAX_VCPUS) {
    throw new VmConfigError(`vCPU count must be 1 to ${MAX_VCPUS}, got ${vcpus}`);
  }
  const memory = config.memory ?? DEFAULT_MEMORY;
  if (!Number.isSafeInteger(memory) || memory <= 0) {
    throw new VmConfigError(`memory size must be a positive whole number of bytes, got ${memory}`);
  }
  if (memory % MEMORY_GRANULE !== 0)
    throw new VmConfigError(`memory size ${memory} is not a multiple of 4 KiB`);
  if (memory > MAX_MEMORY)
    throw new VmConfigError(`memory size ${memory} is more than the 4 GiB hvkit supports`);
  const timeout = config.timeoutMs;
  if (timeout !== undefined && !(timeout > 0 && Number.isFinite(timeout))) {
    throw new VmConfigError(`timeout must be a positive number of ms, got ${timeout}`);
  }
  if (config.kernel.length === 0) throw new VmConfigError('the kernel image is empty');
  for (const net of config.nets ?? []) {
    if (net.mac !== undefined && net.mac.length !== 6) {
      throw new VmConfigError(`MAC address of hub ${net.hub} must be 6 bytes, got ${net.mac.length}`);
    }
  }
}
