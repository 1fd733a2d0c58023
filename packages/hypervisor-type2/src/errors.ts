/**
 * A problem with something the user asked the host for: a disk image that is
 * missing, locked by another VM, of a bad size; a bad hub name. The message is one
 * line written for the person who chose the input; front ends print it as is.
 */
export class HostError extends Error {
  override readonly name: string = 'HostError';
}

/** The VM configuration is impossible (vCPU count, memory size, a bad option combination). */
export class VmConfigError extends HostError {
  override readonly name = 'VmConfigError';
}

/**
 * The VM could not start: the board refused the kernel, firmware or options.
 * `reason` says whose fault: `image` (the kernel, initrd or firmware bytes),
 * `config` (the board options), `internal` (a bug in hvkit; `stack` has the detail).
 */
export class VmStartError extends Error {
  override readonly name = 'VmStartError';
  constructor(
    message: string,
    /** Whose fault: the image, the configuration, or hvkit itself. */
    readonly reason: 'image' | 'config' | 'internal',
    /** The stack of the original error inside the VM thread, when there is one. */
    readonly detail?: string,
  ) {
    super(message);
  }
}
