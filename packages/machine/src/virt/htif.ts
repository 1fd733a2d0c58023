/*
 * HTIF, the host-target interface of Spike and riscv-tests: the guest writes a
 * 64-bit command to the `tohost` symbol and the host answers in `fromhost`.
 * Command layout (riscv-isa-sim fesvr/htif.h): device in bits 63:56, command in
 * 55:48, payload in 47:0. hvkit serves the two commands bare-metal tests use:
 *   device 0, payload odd:  exit with code payload >> 1 (0 = pass)
 *   device 1, command 1:    console putchar of the payload's low byte
 * Everything else (device 0 with an even payload is a pointer to a syscall block
 * for a proxy kernel) is refused.
 *
 * What a hostile guest can do: write any value to tohost at any time. The board
 * polls between run slices, reads 8 bytes at a fixed, checked RAM offset and
 * never follows a guest pointer, so the worst it can do is end its own run.
 */
import { type CharBackend, hex, type RamRegion } from '@hvkit/interfaces';

/** `poll` result: tohost is zero, nothing to do. */
export const HTIF_IDLE = 0;
/** `poll` result: the guest asked to exit; see `exitCode`. */
export const HTIF_EXIT = 1;
/** `poll` result: a console byte was written and acknowledged. */
export const HTIF_PUTCHAR = 2;
/** `poll` result: a command hvkit does not serve; see `error`. */
export const HTIF_UNSUPPORTED = 3;

/** fesvr device numbers. */
const DEV_SYSCALL = 0;
const DEV_CONSOLE = 1;
/** Console command: write the payload's low byte. */
const CONSOLE_PUTCHAR = 1;

/** Polls a guest's tohost word in RAM and serves the commands it finds. */
export class Htif {
  /** After HTIF_EXIT: the guest's exit code (payload >> 1, 0 = pass). */
  exitCode = 0;
  /** After HTIF_UNSUPPORTED: a one-line description of the refused command. */
  error = '';
  private readonly bytes: Uint8Array;
  private readonly tohost: number;
  private readonly fromhost: number;

  /**
   * `tohost` and `fromhost` are guest-physical addresses of 8-byte words in `ram`
   * (fromhost -1 when the guest has none); the caller has checked both.
   */
  constructor(
    ram: RamRegion,
    tohost: number,
    fromhost: number,
    private readonly console: CharBackend,
  ) {
    this.bytes = ram.bytes;
    this.tohost = tohost - ram.base;
    this.fromhost = fromhost < 0 ? -1 : fromhost - ram.base;
  }

  /** Reads tohost once and serves what is there (no allocation unless the command is refused). */
  poll(): number {
    const b = this.bytes;
    const at = this.tohost;
    const lo = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
    const hi = (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0;
    if (lo === 0 && hi === 0) return HTIF_IDLE;
    const device = hi >>> 24;
    const command = (hi >>> 16) & 0xff;
    if (device === DEV_SYSCALL && command === 0 && (lo & 1) === 1) {
      this.exitCode = (lo >>> 1) + (hi & 0xffff) * 2 ** 31;
      return HTIF_EXIT;
    }
    if (device === DEV_CONSOLE && command === CONSOLE_PUTCHAR) {
      this.console.write(lo & 0xff);
      // As QEMU's riscv_htif does: clear tohost, acknowledge in fromhost with the
      // device and command echoed and 0x100 | byte as the response.
      b.fill(0, at, at + 8);
      const fh = this.fromhost;
      if (fh >= 0) {
        b[fh] = lo & 0xff;
        b[fh + 1] = 1;
        b.fill(0, fh + 2, fh + 6);
        b[fh + 6] = command;
        b[fh + 7] = device;
      }
      return HTIF_PUTCHAR;
    }
    const value = `tohost=${hex((BigInt(hi) << 32n) | BigInt(lo), 16)}`;
    this.error =
      device === DEV_SYSCALL && command === 0
        ? `guest made an HTIF syscall (${value}); hvkit does not proxy system calls`
        : `guest sent an unsupported HTIF command (device ${device}, command ${command}, ${value})`;
    return HTIF_UNSUPPORTED;
  }
}
