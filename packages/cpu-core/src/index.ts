export { CSR, CSR_NAMES } from './csr-names.js';
export { type Decoded, decode, newDecoded } from './decode/decoder.js';
export { disassemble, FREG_NAMES, XREG_NAMES } from './decode/disasm.js';
export { type CFormat, ENCODINGS, type Encoding, type Format, INTENDED_OVERLAPS } from './decode/table.js';
export { CAUSE, type HartOptions, IRQ, RiscvHart } from './hart.js';
export type { JitHotness } from './jit/tier.js';
