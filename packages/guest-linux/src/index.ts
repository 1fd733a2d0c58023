import { fileURLToPath } from 'node:url';

/**
 * The prompt the guest's shell prints when it is ready for a command.
 * It is printed without a newline, so wait for the output to end with it.
 */
export const LINUX_PROMPT = '~ # ';

/** The start of the one-line banner /init prints just before the first prompt. */
export const LINUX_BANNER = 'hvkit guest-linux: ';

/** What the kernel prints when `poweroff` has reached the power-off path. */
export const LINUX_POWER_DOWN = 'reboot: Power down';

/**
 * Absolute path of the committed kernel image: an uncompressed RISC-V Linux
 * `Image` with the initramfs built in. Load it as QEMU's `-kernel` or at
 * RAM base + {@link RiscvImageHeader.textOffset} with the hart in S-mode,
 * a0 = hart id and a1 = the device tree's address.
 */
export function linuxImagePath(): string {
  return fileURLToPath(new URL('../images/Image', import.meta.url));
}

/** The 64-byte header at the start of a RISC-V Linux `Image` (Documentation/riscv/boot-image-header.rst). */
export interface RiscvImageHeader {
  /** Where in RAM, from its base, the image expects to be placed. */
  readonly textOffset: bigint;
  /** Bytes of memory the kernel occupies once loaded, including BSS. */
  readonly imageSize: bigint;
  /** Header flags; bit 0 is the kernel's endianness (0 = little). */
  readonly flags: bigint;
  /** Header version, `major << 16 | minor`. */
  readonly version: number;
}

/** "RISCV\0\0\0" at offset 48: the deprecated magic, still written by Linux 6.1. */
const MAGIC = [0x52, 0x49, 0x53, 0x43, 0x56, 0, 0, 0];
/** "RSC\x05" at offset 56: the current magic. */
const MAGIC2 = [0x52, 0x53, 0x43, 0x05];

/** Parse a RISC-V Linux `Image` header, or return `undefined` if the bytes do not carry one. */
export function parseRiscvImageHeader(bytes: Uint8Array): RiscvImageHeader | undefined {
  if (bytes.length < 64) return undefined;
  const matches = (magic: number[], at: number) => magic.every((b, i) => bytes[at + i] === b);
  if (!matches(MAGIC, 48) || !matches(MAGIC2, 56)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 64);
  return {
    textOffset: view.getBigUint64(8, true),
    imageSize: view.getBigUint64(16, true),
    flags: view.getBigUint64(24, true),
    version: view.getUint32(32, true),
  };
}
