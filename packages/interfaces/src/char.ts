/**
 * A byte stream on the host side of a character device (a terminal, a pipe, a
 * socket, a buffer in a test). The device pulls input, so a fast producer cannot
 * grow the device's buffers without bound.
 */
export interface CharBackend {
  /** Sends one byte from the guest to the host. */
  write(byte: number): void;
  /** Takes the next byte from the host, or -1 when none is waiting. */
  read(): number;
  /** Registers `listener` to be called when input becomes available (used to wake idle harts and raise IRQs). */
  onReadable?(listener: () => void): void;
}
