/**
 * The host side of a network interface (a TAP device, a socket, a user-mode
 * network stack, a test's array). Frames are whole Ethernet frames without the
 * preamble or frame check sequence.
 */
export interface NetBackend {
  /**
   * Sends one frame from the guest to the network. `frame` may be a reused device
   * buffer: valid only during the call, so copy it before returning if it is kept.
   */
  send(frame: Uint8Array): void;
  /**
   * Registers the one listener for frames from the network to the guest. The
   * device copies the frame before `listener` returns, and drops it (counting the
   * drop) when the guest has posted no buffer for it: frames are never queued
   * without bound on the device side.
   */
  onReceive(listener: (frame: Uint8Array) => void): void;
  /** The interface's MAC address (6 bytes); the device picks one when absent. */
  readonly mac?: Uint8Array;
}
