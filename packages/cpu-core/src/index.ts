export { CAUSE, IRQ, RiscvHart, type HartOptions } from './hart.js';
export { decode, newDecoded, type Decoded } from './decode/decoder.js';
export { disassemble, XREG_NAMES, FREG_NAMES } from './decode/disasm.js';
export { ENCODINGS, INTENDED_OVERLAPS, type Encoding, type Format, type CFormat } from './decode/table.js';
export { CSR, CSR_NAMES } from './csr-names.js';
