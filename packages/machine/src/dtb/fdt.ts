/*
 * A flattened device tree (FDT, "DTB") writer: Devicetree Specification v0.4,
 * chapter 5 "Flattened Devicetree (DTB) Format", version 17.
 *
 * Layout, as `dtc -O dtb` writes it (so the bytes match dtc's for the same tree):
 *   header (40 bytes) | memory reservation block (8-aligned, 16 bytes per entry,
 *   ended by a zero entry) | structure block | strings block.
 * The structure block is a token stream (big-endian 32-bit words): FDT_BEGIN_NODE +
 * NUL-terminated name padded to 4, FDT_PROP + len + nameoff + value padded to 4,
 * FDT_END_NODE, and one FDT_END. Property names live once each in the strings block;
 * like dtc, a name that is the tail of a name already stored ("cells" in
 * "#size-cells") reuses those bytes.
 *
 * Pure: no I/O, nothing but `Uint8Array`s, so it runs in a browser too.
 */

/** FDT header magic (spec 5.2). */
export const FDT_MAGIC = 0xd00dfeed;
/** Version written (spec 5.2: "version 17"). */
export const FDT_VERSION = 17;
/** Lowest version this blob is backwards compatible with (16 for a v17 blob). */
export const FDT_LAST_COMP_VERSION = 16;
/** Structure-block tokens (spec 5.4.1). */
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;
/** Size of the v17 header (ten 32-bit fields). */
export const FDT_HEADER_SIZE = 40;

const encoder = new TextEncoder();

/** One property: a name and its raw (already big-endian encoded) value. */
export interface FdtProperty {
  readonly name: string;
  readonly value: Uint8Array;
}

/** One entry of the memory reservation block (spec 5.3): physical address and size. */
export interface FdtReservation {
  readonly address: bigint | number;
  readonly size: bigint | number;
}

/** Property names: 1-31 characters of the spec's table 2.2 set (letters, digits, `,._+?#-`). */
const PROPERTY_NAME = /^[0-9a-zA-Z,._+?#-]{1,31}$/;
/** Node names: `name[@unit-address]`, spec 2.2.1 (31 characters for the name part). */
const NODE_NAME = /^[0-9a-zA-Z,._+-]{1,31}(@[0-9a-zA-Z,._+-]+)?$/;

/**
 * A devicetree node: an ordered list of properties and an ordered list of children
 * (written in the order they were added). Setters return the node so calls chain.
 */
export class FdtNode {
  /** Node name with unit address (`serial@10000000`); `''` for the root. */
  readonly name: string;
  private readonly props: FdtProperty[] = [];
  private readonly kids: FdtNode[] = [];

  constructor(name: string) {
    if (name !== '' && !NODE_NAME.test(name)) throw new RangeError(`fdt: bad node name '${name}'`);
    this.name = name;
  }

  /** The properties in order. */
  get properties(): readonly FdtProperty[] {
    return this.props;
  }

  /** The children in order. */
  get children(): readonly FdtNode[] {
    return this.kids;
  }

  /** Adds a child node (names must be unique among siblings) and returns it. */
  addNode(name: string): FdtNode {
    if (this.kids.some((k) => k.name === name)) {
      throw new RangeError(`fdt: node '${name}' already exists under '${this.name || '/'}'`);
    }
    const node = new FdtNode(name);
    this.kids.push(node);
    return node;
  }

  /** The child called `name`, if any. */
  child(name: string): FdtNode | undefined {
    return this.kids.find((k) => k.name === name);
  }

  /** The value of property `name`, if set. */
  property(name: string): Uint8Array | undefined {
    return this.props.find((p) => p.name === name)?.value;
  }

  /** Sets a property to raw bytes (replacing an earlier value in place, keeping its position). */
  setBytes(name: string, value: Uint8Array): this {
    if (!PROPERTY_NAME.test(name)) throw new RangeError(`fdt: bad property name '${name}'`);
    const at = this.props.findIndex((p) => p.name === name);
    const prop = { name, value: Uint8Array.from(value) };
    if (at >= 0) this.props[at] = prop;
    else this.props.push(prop);
    return this;
  }

  /** An empty property (a boolean that is true by being present: `interrupt-controller;`). */
  setEmpty(name: string): this {
    return this.setBytes(name, new Uint8Array(0));
  }

  /** One or more 32-bit cells (`<1 2 3>`); each must be an integer in [0, 2^32). */
  setCells(name: string, ...cells: readonly number[]): this {
    return this.setBytes(name, encodeCells(cells));
  }

  /** One or more 64-bit values, each as two cells (`/bits/ 64 <...>`, or `<hi lo>` pairs in `reg`). */
  setU64(name: string, ...values: readonly (bigint | number)[]): this {
    const cells: number[] = [];
    for (const v of values) {
      const big = BigInt(v);
      if (big < 0n || big >= 1n << 64n) throw new RangeError(`fdt: ${name}: ${v} is not a 64-bit value`);
      cells.push(Number(big >> 32n), Number(big & 0xffff_ffffn));
    }
    return this.setBytes(name, encodeCells(cells));
  }

  /** A NUL-terminated string (`"..."`); the string may not contain NUL. */
  setString(name: string, value: string): this {
    return this.setStrings(name, value);
  }

  /** A string list (`"a", "b"`): each string NUL-terminated, back to back. */
  setStrings(name: string, ...values: readonly string[]): this {
    const parts = values.map((v) => {
      if (v.includes('\0')) throw new RangeError(`fdt: ${name}: string contains NUL`);
      return encoder.encode(v);
    });
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length + 1;
    }
    return this.setBytes(name, out);
  }
}

/** Big-endian 32-bit cells. */
function encodeCells(cells: readonly number[]): Uint8Array {
  const out = new Uint8Array(cells.length * 4);
  const view = new DataView(out.buffer);
  cells.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c > 0xffff_ffff) throw new RangeError(`fdt: cell ${c} is not a u32`);
    view.setUint32(i * 4, c);
  });
  return out;
}

/** Options of `encodeFdt`. */
export interface FdtOptions {
  /** Memory reservation block entries (`/memreserve/`); default none. */
  readonly reservations?: readonly FdtReservation[];
  /** Header boot_cpuid_phys: the hart id of the boot CPU; default 0. */
  readonly bootCpuidPhys?: number;
}

/** A growable big-endian byte buffer for the structure block. */
class Writer {
  bytes = new Uint8Array(1024);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  u32(v: number): void {
    this.reserve(4);
    new DataView(this.bytes.buffer).setUint32(this.length, v >>> 0);
    this.length += 4;
  }

  /** Appends `data` and zero padding up to a multiple of 4. */
  padded(data: Uint8Array): void {
    const n = (data.length + 3) & ~3;
    this.reserve(n);
    this.bytes.set(data, this.length);
    this.bytes.fill(0, this.length + data.length, this.length + n);
    this.length += n;
  }
}

/** The strings block: each name once; a name that is a tail of a stored one points into it (as dtc). */
class StringTable {
  private text = '';

  /** Offset of `name` in the block, adding it if needed. */
  offset(name: string): number {
    // Names are ASCII (checked by the setters), so string offsets are byte offsets.
    // dtc compares at every byte position, so the first "name\0" anywhere matches.
    const wanted = `${name}\0`;
    const found = this.text.indexOf(wanted);
    if (found >= 0) return found;
    const at = this.text.length;
    this.text += wanted;
    return at;
  }

  bytes(): Uint8Array {
    return encoder.encode(this.text);
  }
}

/**
 * Encodes the tree under `root` (which must be the unnamed root node) as an FDT v17
 * blob, byte for byte what `dtc -I dts -O dtb` writes for the same tree.
 */
export function encodeFdt(root: FdtNode, options: FdtOptions = {}): Uint8Array {
  if (root.name !== '') throw new RangeError(`fdt: the root node must be unnamed, not '${root.name}'`);
  const strings = new StringTable();
  const struct = new Writer();
  const emit = (node: FdtNode): void => {
    struct.u32(FDT_BEGIN_NODE);
    const name = encoder.encode(node.name);
    const withNul = new Uint8Array(name.length + 1);
    withNul.set(name);
    struct.padded(withNul);
    for (const p of node.properties) {
      struct.u32(FDT_PROP);
      struct.u32(p.value.length);
      struct.u32(strings.offset(p.name));
      struct.padded(p.value);
    }
    for (const child of node.children) emit(child);
    struct.u32(FDT_END_NODE);
  };
  emit(root);
  struct.u32(FDT_END);

  const reservations = options.reservations ?? [];
  const stringBytes = strings.bytes();
  const rsvOffset = FDT_HEADER_SIZE; // already 8-aligned
  const rsvSize = (reservations.length + 1) * 16;
  const structOffset = rsvOffset + rsvSize;
  const stringsOffset = structOffset + struct.length;
  const total = stringsOffset + stringBytes.length;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const header = [
    FDT_MAGIC,
    total,
    structOffset,
    stringsOffset,
    rsvOffset,
    FDT_VERSION,
    FDT_LAST_COMP_VERSION,
    options.bootCpuidPhys ?? 0,
    stringBytes.length,
    struct.length,
  ];
  header.forEach((v, i) => {
    view.setUint32(i * 4, v);
  });
  reservations.forEach((r, i) => {
    view.setBigUint64(rsvOffset + i * 16, BigInt(r.address));
    view.setBigUint64(rsvOffset + i * 16 + 8, BigInt(r.size));
  });
  out.set(struct.bytes.subarray(0, struct.length), structOffset);
  out.set(stringBytes, stringsOffset);
  return out;
}

/**
 * Builds a device tree: a root node, phandles handed out in order (1, 2, ...), the
 * memory reservation block and the boot CPU. `build()` encodes it.
 */
export class DeviceTreeBuilder {
  /** The root node (`/`). */
  readonly root = new FdtNode('');
  /** Entries of the memory reservation block. */
  readonly reservations: FdtReservation[] = [];
  /** Header boot_cpuid_phys. */
  bootCpuidPhys = 0;
  private nextPhandle = 1;
  private readonly phandles = new Map<FdtNode, number>();

  /**
   * The phandle of `node`: the first call gives it the next number and sets its
   * `phandle` property (at that point in its property list), later calls return it.
   */
  phandle(node: FdtNode): number {
    const known = this.phandles.get(node);
    if (known !== undefined) return known;
    const id = this.nextPhandle++;
    this.phandles.set(node, id);
    node.setCells('phandle', id);
    return id;
  }

  /** The node at an absolute path such as `/soc/serial@10000000`, if present. */
  find(path: string): FdtNode | undefined {
    let node: FdtNode | undefined = this.root;
    for (const part of path.split('/')) {
      if (part === '') continue;
      node = node?.child(part);
    }
    return node;
  }

  /** Encodes the tree as an FDT v17 blob. */
  build(): Uint8Array {
    return encodeFdt(this.root, { reservations: this.reservations, bootCpuidPhys: this.bootCpuidPhys });
  }
}

/** A decoded FDT blob. */
export interface DecodedFdt {
  readonly root: FdtNode;
  readonly reservations: readonly { readonly address: bigint; readonly size: bigint }[];
  readonly bootCpuidPhys: number;
  readonly version: number;
}

const decoder = new TextDecoder('latin1');

/**
 * Decodes an FDT blob (version 16 or 17) into nodes, checking every offset and length
 * against the blob; throws `RangeError` with the first problem found. NOP tokens are
 * skipped. Used by tests and for inspecting what a board hands its guest.
 */
export function decodeFdt(blob: Uint8Array): DecodedFdt {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const fail = (why: string): never => {
    throw new RangeError(`fdt: ${why}`);
  };
  if (blob.length < FDT_HEADER_SIZE) fail('shorter than a header');
  const field = (i: number) => view.getUint32(i * 4);
  if (field(0) !== FDT_MAGIC) fail('bad magic');
  const total = field(1);
  const structOff = field(2);
  const stringsOff = field(3);
  const rsvOff = field(4);
  const version = field(5);
  const stringsSize = field(8);
  const structSize = field(9);
  if (total > blob.length) fail(`totalsize ${total} is past the end of the ${blob.length}-byte blob`);
  if (version < 16) fail(`version ${version} is older than 16`);
  if (structOff + structSize > total || stringsOff + stringsSize > total) fail('blocks are past totalsize');

  const reservations: { address: bigint; size: bigint }[] = [];
  for (let at = rsvOff; ; at += 16) {
    if (at + 16 > total) fail('memory reservation block is not terminated');
    const address = view.getBigUint64(at);
    const size = view.getBigUint64(at + 8);
    if (address === 0n && size === 0n) break;
    reservations.push({ address, size });
  }

  const structEnd = structOff + structSize;
  let at = structOff;
  const word = (): number => {
    if (at + 4 > structEnd) fail('structure block ends inside a token');
    const v = view.getUint32(at);
    at += 4;
    return v;
  };
  const cString = (from: number, end: number): [string, number] => {
    const nul = blob.indexOf(0, from);
    if (nul < 0 || nul >= end) fail('unterminated string');
    return [decoder.decode(blob.subarray(from, nul)), nul];
  };
  const stack: FdtNode[] = [];
  let root: FdtNode | undefined;
  for (;;) {
    const token = word();
    if (token === FDT_NOP) continue;
    if (token === FDT_BEGIN_NODE) {
      const [name, nul] = cString(at, structEnd);
      at = (nul + 4) & ~3;
      const parent = stack[stack.length - 1];
      if (parent === undefined) {
        if (root !== undefined) fail('a second root node');
        root = new FdtNode(name === '' ? '' : fail(`root node is named '${name}'`));
        stack.push(root);
      } else stack.push(parent.addNode(name));
    } else if (token === FDT_PROP) {
      const node = stack[stack.length - 1] ?? fail('property outside a node');
      const len = word();
      const nameoff = word();
      if (at + len > structEnd) fail('property value runs past the structure block');
      if (nameoff >= stringsSize) fail(`property name offset ${nameoff} is past the strings block`);
      const [name] = cString(stringsOff + nameoff, stringsOff + stringsSize);
      node.setBytes(name, blob.subarray(at, at + len));
      at = (at + len + 3) & ~3;
    } else if (token === FDT_END_NODE) {
      if (stack.pop() === undefined) fail('FDT_END_NODE without a node');
    } else if (token === FDT_END) {
      if (stack.length !== 0 || root === undefined) fail('FDT_END inside a node');
      return { root: root!, reservations, bootCpuidPhys: field(7), version };
    } else fail(`unknown token 0x${token.toString(16)}`);
  }
}

/** The 32-bit cells of a property value (big-endian). */
export function fdtCells(value: Uint8Array): number[] {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= value.length; i += 4) out.push(view.getUint32(i));
  return out;
}

/** The strings of a string-list property value. */
export function fdtStrings(value: Uint8Array): string[] {
  const text = decoder.decode(value);
  return (text.endsWith('\0') ? text.slice(0, -1) : text).split('\0');
}
