/*
 * A small WebAssembly binary emitter: just what the compiling tier needs (one memory
 * import, functions with i32/i64/f64 locals, structured control flow, memory ops).
 * Binary format: WebAssembly core spec, "Binary Format" (modules, LEB128, opcodes).
 */

/** Value types. */
export const T = { i32: 0x7f, i64: 0x7e, f64: 0x7c } as const;
export type ValType = (typeof T)[keyof typeof T];

/** Opcodes used by the compiler (core spec 5.4). */
export const O = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  br_table: 0x0e,
  return: 0x0f,
  call: 0x10,
  call_indirect: 0x11,
  drop: 0x1a,
  select: 0x1b,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  i32_load: 0x28,
  i64_load: 0x29,
  f64_load: 0x2b,
  i32_load8_s: 0x2c,
  i32_load8_u: 0x2d,
  i32_load16_s: 0x2e,
  i32_load16_u: 0x2f,
  i64_load8_s: 0x30,
  i64_load8_u: 0x31,
  i64_load16_s: 0x32,
  i64_load16_u: 0x33,
  i64_load32_s: 0x34,
  i64_load32_u: 0x35,
  i32_store: 0x36,
  i64_store: 0x37,
  f64_store: 0x39,
  i32_store8: 0x3a,
  i32_store16: 0x3b,
  i64_store8: 0x3c,
  i64_store16: 0x3d,
  i64_store32: 0x3e,
  i32_const: 0x41,
  i64_const: 0x42,
  f64_const: 0x44,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_s: 0x48,
  i32_lt_u: 0x49,
  i32_gt_s: 0x4a,
  i32_gt_u: 0x4b,
  i32_le_s: 0x4c,
  i32_le_u: 0x4d,
  i32_ge_s: 0x4e,
  i32_ge_u: 0x4f,
  i64_eqz: 0x50,
  i64_eq: 0x51,
  i64_ne: 0x52,
  i64_lt_s: 0x53,
  i64_lt_u: 0x54,
  i64_gt_s: 0x55,
  i64_gt_u: 0x56,
  i64_le_s: 0x57,
  i64_le_u: 0x58,
  i64_ge_s: 0x59,
  i64_ge_u: 0x5a,
  f64_eq: 0x61,
  f64_ne: 0x62,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_div_s: 0x6d,
  i32_div_u: 0x6e,
  i32_rem_s: 0x6f,
  i32_rem_u: 0x70,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_xor: 0x73,
  i32_shl: 0x74,
  i32_shr_s: 0x75,
  i32_shr_u: 0x76,
  i64_add: 0x7c,
  i64_sub: 0x7d,
  i64_mul: 0x7e,
  i64_div_s: 0x7f,
  i64_div_u: 0x80,
  i64_rem_s: 0x81,
  i64_rem_u: 0x82,
  i64_and: 0x83,
  i64_or: 0x84,
  i64_xor: 0x85,
  i64_shl: 0x86,
  i64_shr_s: 0x87,
  i64_shr_u: 0x88,
  f64_floor: 0x9c,
  f64_sub: 0xa1,
  f64_mul: 0xa2,
  f64_div: 0xa3,
  i32_wrap_i64: 0xa7,
  i64_extend_i32_s: 0xac,
  i64_extend_i32_u: 0xad,
  i32_trunc_f64_s: 0xaa,
  i64_trunc_f64_s: 0xb0,
  f64_convert_i64_s: 0xb9,
  i64_extend32_s: 0xc4,
} as const;

/** Block type "no result". */
export const VOID = 0x40;

/** A growable byte buffer with LEB128 writers. */
export class Bytes {
  private buf = new Uint8Array(256);
  length = 0;

  byte(b: number): this {
    if (this.length === this.buf.length) this.grow();
    this.buf[this.length++] = b;
    return this;
  }

  bytes(src: ArrayLike<number>): this {
    if (src instanceof Uint8Array) {
      while (this.length + src.length > this.buf.length) this.grow();
      this.buf.set(src, this.length);
      this.length += src.length;
      return this;
    }
    for (let i = 0; i < src.length; i++) this.byte(src[i]!);
    return this;
  }

  private grow(): void {
    const next = new Uint8Array(this.buf.length * 2);
    next.set(this.buf);
    this.buf = next;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  u32(v: number): this {
    let x = v >>> 0;
    do {
      const b = x & 0x7f;
      x >>>= 7;
      this.byte(x === 0 ? b : b | 0x80);
    } while (x !== 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit integer. */
  s32(v: number): this {
    let x = v | 0;
    for (;;) {
      const b = x & 0x7f;
      x >>= 7;
      if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return this;
      }
      this.byte(b | 0x80);
    }
  }

  /** Signed LEB128 of a 64-bit integer. */
  s64(v: bigint): this {
    let x = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      if ((x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0)) {
        this.byte(b);
        return this;
      }
      this.byte(b | 0x80);
    }
  }

  /** A length-prefixed UTF-8 (ASCII here) name. */
  name(s: string): this {
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
    return this;
  }

  /** The bytes written so far (a copy). */
  toArray(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** A function body under construction: instructions plus typed helpers. */
export class Code extends Bytes {
  op(o: number): this {
    return this.byte(o);
  }
  i32(v: number): this {
    return this.byte(O.i32_const).s32(v);
  }
  i64(v: bigint | number): this {
    // A value that fits in 32 bits has the same signed LEB128 bytes as an i32: no BigInt needed.
    if (typeof v === 'number' && v === (v | 0)) return this.byte(O.i64_const).s32(v);
    return this.byte(O.i64_const).s64(typeof v === 'bigint' ? v : BigInt(v));
  }
  get(l: number): this {
    return this.byte(O.local_get).u32(l);
  }
  set(l: number): this {
    return this.byte(O.local_set).u32(l);
  }
  tee(l: number): this {
    return this.byte(O.local_tee).u32(l);
  }
  /** A memory access with alignment hint log2(align) and constant offset. */
  mem(o: number, alignLog2: number, offset: number): this {
    return this.byte(o).u32(alignLog2).u32(offset);
  }
  block(): this {
    return this.byte(O.block).byte(VOID);
  }
  loop(): this {
    return this.byte(O.loop).byte(VOID);
  }
  if_(): this {
    return this.byte(O.if).byte(VOID);
  }
  end(): this {
    return this.byte(O.end);
  }
  br(depth: number): this {
    return this.byte(O.br).u32(depth);
  }
  brIf(depth: number): this {
    return this.byte(O.br_if).u32(depth);
  }
  /** call_indirect through table 0 with the signature of type `typeIdx`. */
  callIndirect(typeIdx: number): this {
    return this.byte(O.call_indirect).u32(typeIdx).byte(0x00);
  }
  f64(v: number): this {
    this.byte(O.f64_const);
    const b = new Uint8Array(new Float64Array([v]).buffer);
    for (let i = 0; i < 8; i++) this.byte(b[i]!);
    return this;
  }
  brTable(depths: ArrayLike<number>, dflt: number): this {
    this.byte(O.br_table).u32(depths.length);
    for (let i = 0; i < depths.length; i++) this.u32(depths[i]!);
    return this.u32(dflt);
  }
}

export interface FuncSpec {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  /** Extra locals after the params, in order. */
  readonly locals: readonly ValType[];
  readonly body: Code;
  /** Export name, if exported. */
  readonly export?: string;
}

export interface ImportSpec {
  readonly module: string;
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export interface ModuleSpec {
  /** Import one memory as (module, name); `shared` must match the memory given at instantiation. */
  readonly memory?: { module: string; name: string; shared: boolean };
  /** Imported functions: indices 0.. come before the module's own functions. */
  readonly imports?: readonly ImportSpec[];
  readonly funcs: readonly FuncSpec[];
  /** Signatures for call_indirect only: type indices follow the imports' and functions' own. */
  readonly types?: readonly { readonly params: readonly ValType[]; readonly results: readonly ValType[] }[];
  /** An own funcref table (table 0) of fixed size, exported under `export`. */
  readonly table?: { readonly size: number; readonly export: string };
}

function section(out: Bytes, id: number, body: Bytes): void {
  out.byte(id).u32(body.length).bytes(body.toArray());
}

/** Encodes a module: one type per function, the memory import, functions, exports, code. */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  const out = new Bytes().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const fimports = spec.imports ?? [];
  // Types: one per imported function, then one per own function.
  const sigs = [...fimports, ...spec.funcs, ...(spec.types ?? [])];
  const types = new Bytes().u32(sigs.length);
  for (const f of sigs) {
    types.byte(0x60).u32(f.params.length).bytes(f.params).u32(f.results.length).bytes(f.results);
  }
  section(out, 1, types);
  const nimports = fimports.length + (spec.memory === undefined ? 0 : 1);
  if (nimports > 0) {
    const imp = new Bytes().u32(nimports);
    fimports.forEach((f, i) => {
      imp.name(f.module).name(f.name).byte(0x00).u32(i);
    });
    if (spec.memory !== undefined) {
      imp.name(spec.memory.module).name(spec.memory.name).byte(0x02);
      // Limits: min 0 matches any memory; a shared memory needs a maximum.
      if (spec.memory.shared) imp.byte(0x03).u32(0).u32(65536);
      else imp.byte(0x00).u32(0);
    }
    section(out, 2, imp);
  }
  const funcs = new Bytes().u32(spec.funcs.length);
  for (let i = 0; i < spec.funcs.length; i++) funcs.u32(fimports.length + i);
  section(out, 3, funcs);
  if (spec.table !== undefined) {
    // One table: funcref (0x70), limits min = max = size.
    section(out, 4, new Bytes().u32(1).byte(0x70).byte(0x01).u32(spec.table.size).u32(spec.table.size));
  }
  const exported = spec.funcs
    .map((f, i) => [f.export, fimports.length + i] as const)
    .filter(([n]) => n !== undefined);
  const exps = new Bytes().u32(exported.length + (spec.table === undefined ? 0 : 1));
  for (const [n, i] of exported) exps.name(n!).byte(0x00).u32(i);
  if (spec.table !== undefined) exps.name(spec.table.export).byte(0x01).u32(0);
  section(out, 7, exps);
  const code = new Bytes().u32(spec.funcs.length);
  for (const f of spec.funcs) {
    const body = new Bytes();
    // Run-length groups of equal local types.
    const groups: [number, number][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    body.u32(groups.length);
    for (const [n, t] of groups) body.u32(n).byte(t);
    body.bytes(f.body.toArray()).byte(O.end);
    code.u32(body.length).bytes(body.toArray());
  }
  section(out, 10, code);
  return out.toArray();
}

// Minimal typings of the WebAssembly JS API (hvkit's lib settings omit them).
export interface WasmMemoryLike {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** True when the bytes form a valid module. */
export function validateModule(bytes: Uint8Array): boolean {
  return wasmApi.validate(bytes);
}

/** Compiles and instantiates synchronously (fine for the small modules of one page). */
export function instantiate(
  bytes: Uint8Array,
  imports: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  return new wasmApi.Instance(new wasmApi.Module(bytes), imports).exports;
}
