/*
 * Test doubles for the firmware's tests: a hart that is only registers and pc, and a
 * platform that records every call and backs readPhys/writePhys with a small RAM.
 * Not exported from the package.
 */
import { SbiFirmware, type SbiFirmwareOptions } from '../firmware.js';
import type { HsmState, SbiHart, SbiPlatform, SystemResetReason, SystemResetType } from '../platform.js';

/** Where the fake RAM starts (the virt board's DRAM base). */
export const RAM_BASE = 0x8000_0000n;
/** Size of the fake RAM. */
export const RAM_SIZE = 0x1_0000;
/** pc of the ECALL every test call is made from. */
export const ECALL_PC = 0x8020_0000;

/** A hart reduced to what SbiHart asks for. */
export class FakeHart implements SbiHart {
  readonly xl = new Int32Array(33);
  readonly xh = new Int32Array(33);
  pc = ECALL_PC;
  constructor(readonly hartId = 0) {}

  /** Writes x`i` from a bigint (taken modulo 2^64). */
  set(i: number, value: bigint): void {
    const u = BigInt.asUintN(64, value);
    this.xl[i] = Number(u & 0xffff_ffffn) | 0;
    this.xh[i] = Number(u >> 32n) | 0;
  }

  /** Reads x`i` as a signed 64-bit bigint. */
  get(i: number): bigint {
    return (BigInt(this.xh[i]!) << 32n) | BigInt(this.xl[i]! >>> 0);
  }
}

/** One recorded platform call: its name and arguments. */
export type PlatformCall = readonly [string, ...unknown[]];

/** A platform with `harts` harts (hart ids listed in `missing` do not exist) recording every call. */
export class FakePlatform implements SbiPlatform {
  readonly calls: PlatformCall[] = [];
  readonly ram = new Uint8Array(RAM_SIZE);
  readonly states: HsmState[];
  readonly output: number[] = [];
  input: number[] = [];
  readonly ssip: boolean[];
  readonly unhandled: [number, number, number][] = [];
  hartSuspend?: (hartId: number) => void;

  constructor(
    readonly hartCount = 4,
    private readonly missing: readonly number[] = [],
  ) {
    this.states = Array.from({ length: hartCount }, () => 'started' as HsmState);
    this.ssip = Array.from({ length: hartCount }, () => false);
  }

  /** Calls recorded under `name`, arguments only. */
  callsOf(name: string): unknown[][] {
    return this.calls.filter((c) => c[0] === name).map((c) => c.slice(1));
  }

  /** Adds a `hartSuspend` that records its calls (the optional member). */
  withSuspend(): this {
    this.hartSuspend = (hartId) => {
      this.calls.push(['hartSuspend', hartId]);
    };
    return this;
  }

  hartExists(hartId: number): boolean {
    this.calls.push(['hartExists', hartId]);
    return hartId >= 0 && hartId < this.hartCount && !this.missing.includes(hartId);
  }
  setTimer(hartId: number, stimeValue: bigint): void {
    this.checkHart(hartId);
    this.calls.push(['setTimer', hartId, stimeValue]);
  }
  sendIpi(hartId: number): void {
    this.checkHart(hartId);
    this.calls.push(['sendIpi', hartId]);
    this.ssip[hartId] = true;
  }
  clearIpi(hartId: number): boolean {
    this.checkHart(hartId);
    this.calls.push(['clearIpi', hartId]);
    const was = this.ssip[hartId] ?? false;
    this.ssip[hartId] = false;
    return was;
  }
  remoteFenceI(hartId: number): void {
    this.checkHart(hartId);
    this.calls.push(['remoteFenceI', hartId]);
  }
  remoteSfenceVma(hartId: number, start: bigint, size: bigint, asid?: number): void {
    this.checkHart(hartId);
    if (asid === undefined) this.calls.push(['remoteSfenceVma', hartId, start, size]);
    else this.calls.push(['remoteSfenceVma', hartId, start, size, asid]);
  }
  hartStart(hartId: number, startAddr: bigint, opaque: bigint): void {
    this.checkHart(hartId);
    this.calls.push(['hartStart', hartId, startAddr, opaque]);
    this.states[hartId] = 'start-pending';
  }
  hartStop(hartId: number): void {
    this.checkHart(hartId);
    this.calls.push(['hartStop', hartId]);
    this.states[hartId] = 'stopped';
  }
  hartState(hartId: number): HsmState {
    this.checkHart(hartId);
    return this.states[hartId] ?? 'stopped';
  }
  systemReset(type: SystemResetType, reason: SystemResetReason): void {
    this.calls.push(['systemReset', type, reason]);
  }
  consoleWrite(bytes: Uint8Array): void {
    this.calls.push(['consoleWrite', bytes.length]);
    this.output.push(...bytes);
  }
  consoleRead(max: number): Uint8Array {
    this.calls.push(['consoleRead', max]);
    return Uint8Array.from(this.input.splice(0, max));
  }
  readPhys(addr: bigint, len: number): Uint8Array | undefined {
    this.calls.push(['readPhys', addr, len]);
    const off = this.offset(addr, len);
    return off === undefined ? undefined : this.ram.subarray(off, off + len);
  }
  writePhys(addr: bigint, data: Uint8Array): boolean {
    this.calls.push(['writePhys', addr, data.length]);
    const off = this.offset(addr, data.length);
    if (off === undefined) return false;
    this.ram.set(data, off);
    return true;
  }
  onUnhandledTrap(hartId: number, cause: number, pc: number): void {
    this.unhandled.push([hartId, cause, pc]);
  }

  /** The firmware must only name harts it has checked with hartExists. */
  private checkHart(hartId: number): void {
    if (
      !Number.isInteger(hartId) ||
      hartId < 0 ||
      hartId >= this.hartCount ||
      this.missing.includes(hartId)
    ) {
      throw new RangeError(`firmware passed a bad hart id ${hartId}`);
    }
  }

  /** Offset of [addr, addr + len) in `ram`, or undefined when any of it is outside. */
  private offset(addr: bigint, len: number): number | undefined {
    if (!Number.isSafeInteger(len) || len < 0) throw new RangeError(`firmware passed a bad length ${len}`);
    if (addr < RAM_BASE || addr + BigInt(len) > RAM_BASE + BigInt(RAM_SIZE)) return undefined;
    return Number(addr - RAM_BASE);
  }

  /** Writes `bytes` into RAM at guest-physical `addr` (test setup). */
  poke(addr: bigint, bytes: ArrayLike<number>): void {
    this.ram.set(Array.from(bytes), Number(addr - RAM_BASE));
  }

  /** The calls that did something (everything but the hartExists queries). */
  get actions(): PlatformCall[] {
    return this.calls.filter((c) => c[0] !== 'hartExists' && c[0] !== 'readPhys');
  }
}

/** Result registers after a call. */
export interface CallResult {
  /** a0 as a signed 64-bit value. */
  readonly a0: bigint;
  /** a1 as a signed 64-bit value. */
  readonly a1: bigint;
}

/** a0-a7 register indices. */
export const A0 = 10;
export const A1 = 11;
export const A6 = 16;
export const A7 = 17;

/** A firmware over a fresh FakePlatform with one hart per id 0..hartCount-1. */
export function setup(
  hartCount = 4,
  missing: readonly number[] = [],
  options: SbiFirmwareOptions = {},
): { platform: FakePlatform; fw: SbiFirmware; hart: FakeHart } {
  const platform = new FakePlatform(hartCount, missing);
  return { platform, fw: new SbiFirmware(platform, options), hart: new FakeHart(0) };
}

/**
 * Makes an ECALL from S-mode on `hart`: a7 = `eid`, a6 = `fid`, a0.. = `args`;
 * checks that the hook served it and stepped pc, and returns a0/a1.
 */
export function ecall(
  fw: SbiFirmware,
  hart: FakeHart,
  eid: number | bigint,
  fid: number | bigint,
  ...args: bigint[]
): CallResult {
  hart.set(A7, BigInt(eid));
  hart.set(A6, BigInt(fid));
  args.forEach((v, i) => {
    hart.set(A0 + i, v);
  });
  hart.pc = ECALL_PC;
  const handled = fw.handleTrap(hart, 9);
  if (!handled) throw new Error('ECALL from S-mode not handled');
  if (hart.pc !== ECALL_PC + 4) throw new Error(`pc not stepped: ${hart.pc}`);
  return { a0: hart.get(A0), a1: hart.get(A1) };
}
