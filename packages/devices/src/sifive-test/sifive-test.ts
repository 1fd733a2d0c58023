/*
 * SiFive test finisher as on QEMU's virt board (hw/misc/sifive_test.c): the
 * guest writes a status word to offset 0 to power off or reset the machine.
 *
 * What a hostile guest can do: end or reset its own machine, which it could do
 * through SBI SRST anyway; the board decides what that means (a type-2 host stops
 * only that VM). A failure code can never read as success. Reads return 0, other
 * values and offsets are ignored.
 */
import type { AccessSize, MmioDevice, PowerControl } from '@hvkit/interfaces';

/** Length of the finisher's register window. */
export const SIFIVE_TEST_WINDOW_SIZE = 0x1000;
/** Offset of the status register (the only register). */
export const SIFIVE_TEST_FINISHER_OFFSET = 0;
/** Low 16 bits of a status write that mean "pass": power off with code 0. */
export const FINISHER_PASS = 0x5555;
/** Low 16 bits of a status write that mean "fail": power off with the code in bits 31:16. */
export const FINISHER_FAIL = 0x3333;
/** Low 16 bits of a status write that mean "reset the machine". */
export const FINISHER_RESET = 0x7777;

/** Construction options of `SifiveTest`. */
export interface SifiveTestOptions {
  /** What shutdown and reset mean on this board. */
  readonly power: PowerControl;
  /** Name used in bus messages; defaults to `test`. */
  readonly name?: string;
}

/** The SiFive test finisher: 0x5555 pass, 0x3333 | code << 16 fail, 0x7777 reset. Stateless. */
export class SifiveTest implements MmioDevice {
  /** Name used in bus messages. */
  readonly name: string;
  /** Register window length (0x1000). */
  readonly size = SIFIVE_TEST_WINDOW_SIZE;
  private readonly power: PowerControl;

  /** Creates a finisher that reports to `power`. */
  constructor(options: SifiveTestOptions) {
    this.power = options.power;
    this.name = options.name ?? 'test';
  }

  /** Reads return 0. */
  read(_offset: number, _size: AccessSize): number {
    return 0;
  }

  /** A 32-bit write at offset 0 passes, fails or resets; anything else is ignored. */
  write(offset: number, size: AccessSize, value: number): void {
    if (offset !== SIFIVE_TEST_FINISHER_OFFSET || size !== 4) return;
    const status = value & 0xffff;
    const code = value >>> 16;
    if (status === FINISHER_PASS) this.power.shutdown(0);
    else if (status === FINISHER_FAIL) this.power.shutdown(code === 0 ? 1 : code);
    else if (status === FINISHER_RESET) this.power.reset();
  }
}
