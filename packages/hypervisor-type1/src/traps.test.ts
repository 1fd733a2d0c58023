// The trap handlers of the hypervisor against a fake hart: device accesses decoded from
// htinst or from the instruction in guest memory, and blocked accesses counted and
// answered with an access fault in VS-mode.
import { osStubImage } from '@hvkit/guest-os-stub';
import { describe, expect, it } from 'vitest';
import {
  CSR_HTINST,
  CSR_HTVAL,
  CSR_SEPC,
  CSR_SSTATUS,
  CSR_STVAL,
  CSR_VSATP,
  CSR_VSCAUSE,
  CSR_VSEPC,
  CSR_VSSTATUS,
  CSR_VSTVAL,
  CSR_VSTVEC,
  SSTATUS_SPP,
} from './csr.js';
import { Type1Hypervisor } from './hypervisor.js';
import { checkTable } from './table.js';

/** The part of a hart the handlers use: CSRs in a map, registers as bigints. */
class FakeHart {
  readonly hartId = 0;
  readonly csrs = new Map<number, bigint>();
  readonly x = new Array<bigint>(32).fill(0n);
  readCsrBig(csr: number): bigint {
    return this.csrs.get(csr) ?? 0n;
  }
  writeCsrBig(csr: number, value: bigint): void {
    this.csrs.set(csr, BigInt.asUintN(64, value));
  }
  getX(i: number): bigint {
    return i === 0 ? 0n : this.x[i]!;
  }
  setX(i: number, v: bigint): void {
    if (i !== 0) this.x[i] = BigInt.asUintN(64, v);
  }
}

function setup() {
  const hv = new Type1Hypervisor({
    plan: checkTable({
      board: { harts: 1, memory: '64M', reserved: '4M' },
      guests: [{ name: 'g', harts: [0], memory: '16M', kernel: 'os-stub' }],
    }),
    images: { g: { kernel: osStubImage() } },
  });
  const guest = hv.guests[0]!;
  const v = guest.vcpus[0]!;
  v.hart = 0; // as if loaded on the fake hart
  const hart = new FakeHart();
  hart.writeCsrBig(CSR_VSTVEC, 0x8040_0000n);
  hart.writeCsrBig(CSR_SSTATUS, SSTATUS_SPP); // it trapped from VS-mode
  const handlers = hv as unknown as {
    guestPageFault(hart: FakeHart, v: unknown, cause: number): void;
    virtualInstruction(hart: FakeHart, v: unknown): void;
  };
  /** A guest-page fault at `gpa` by the instruction at `pc` (`inst` written there). */
  const fault = (cause: number, gpa: number, pc: number, inst: number, htinst = 0n) => {
    const at = pc - 0x8000_0000;
    if (inst !== 0)
      new DataView(guest.ram.bytes.buffer, guest.ram.bytes.byteOffset).setUint32(at, inst, true);
    hart.writeCsrBig(CSR_SEPC, BigInt(pc));
    hart.writeCsrBig(CSR_STVAL, BigInt(gpa)); // bare VS-stage: the virtual address is the guest-physical one
    hart.writeCsrBig(CSR_HTVAL, BigInt(gpa) >> 2n);
    hart.writeCsrBig(CSR_HTINST, htinst);
    handlers.guestPageFault(hart, v, cause);
  };
  return { hv, guest, hart, fault, handlers, v };
}

describe('device accesses on guest-page faults', () => {
  it('decodes a load from the instruction in guest memory when htinst is 0 (through vsatp = 0)', () => {
    const { hart, fault } = setup();
    hart.writeCsrBig(CSR_VSATP, 0n);
    hart.setX(10, 0x1000_0000n);
    // lbu a5, 5(a0): the UART's LSR (transmitter empty: THRE | TEMT).
    fault(21, 0x1000_0005, 0x8030_0000, 0x0055_4783);
    expect(hart.getX(15)).toBe(0x60n);
    expect(hart.readCsrBig(CSR_SEPC)).toBe(0x8030_0004n);
  });

  it('decodes a compressed load from guest memory and advances sepc by 2', () => {
    const { hart, fault, guest } = setup();
    guest.plic.write(4 * 10, 4, 5); // source 10's priority
    // c.lw a5, 0(a0) (0x411c), followed by anything.
    fault(21, 0x0c00_0028, 0x8030_0100, 0x0000_411c);
    expect(hart.getX(15)).toBe(5n);
    expect(hart.readCsrBig(CSR_SEPC)).toBe(0x8030_0102n);
  });

  it('takes a store from htinst (the transformed sw), writing rs2 to the device', () => {
    const { hart, fault, guest } = setup();
    hart.setX(11, 0xffff_ffff_0000_0003n);
    // sw a1, 0(x0) with rs1 and the offset zeroed: 0x00b02023.
    fault(23, 0x0c00_002c, 0x8030_0200, 0, 0x00b0_2023n);
    expect(guest.plic.read(4 * 11, 4)).toBe(3);
    expect(hart.readCsrBig(CSR_SEPC)).toBe(0x8030_0204n);
  });

  it('splits an 8-byte load into two 4-byte device reads', () => {
    const { hart, fault, guest } = setup();
    guest.plic.write(4, 4, 7);
    guest.plic.write(8, 4, 1);
    // ld a2, 0(x0) transformed: 0x00003603.
    fault(21, 0x0c00_0004, 0x8030_0300, 0, 0x0000_3603n);
    expect(hart.getX(12)).toBe((1n << 32n) | 7n);
  });
});

describe('blocked accesses', () => {
  it('are counted, and the guest gets the access fault an absent address gives', () => {
    const { hart, fault, guest } = setup();
    hart.writeCsrBig(CSR_VSSTATUS, 2n); // SIE set
    fault(21, 0x9000_0000, 0x8030_0400, 0x0005_3503); // ld a0, 0(a0)
    expect(guest.blocked).toBe(1);
    expect(guest.firstBlocked).toEqual({ kind: 'load', gpa: 0x9000_0000, pc: 0x8030_0400n });
    expect(hart.readCsrBig(CSR_VSCAUSE)).toBe(5n);
    expect(hart.readCsrBig(CSR_VSEPC)).toBe(0x8030_0400n);
    expect(hart.readCsrBig(CSR_VSTVAL)).toBe(0x9000_0000n);
    expect(hart.readCsrBig(CSR_SEPC)).toBe(0x8040_0000n); // its vstvec
    const vsstatus = hart.readCsrBig(CSR_VSSTATUS);
    expect(vsstatus & 0x122n).toBe(0x120n); // SPP = 1 (from VS), SPIE = old SIE, SIE = 0
    fault(23, 0x0200_4000, 0x8030_0500, 0x00b5_3023, 0x00b0_3023n);
    fault(20, 0x8400_0000, 0x8400_0000, 0);
    expect(guest.blocked).toBe(3);
    expect(hart.readCsrBig(CSR_VSCAUSE)).toBe(1n);
  });

  it('a VS-stage page-table access outside RAM (htinst pseudoinstruction) is blocked even at a device address', () => {
    const { hart, fault, guest } = setup();
    fault(21, 0x1000_0000, 0x8030_0600, 0, 0x3000n);
    expect(guest.blocked).toBe(1);
    expect(hart.readCsrBig(CSR_VSCAUSE)).toBe(5n);
  });

  it('an FP or misaligned access to a device faults without being done', () => {
    const { hart, fault, guest } = setup();
    fault(21, 0x0c00_0002, 0x8030_0700, 0, 0x0000_2603n); // lw at offset 2
    expect(hart.readCsrBig(CSR_VSCAUSE)).toBe(5n);
    fault(21, 0x0c00_0004, 0x8030_0800, 0, 0x0000_3607n); // fld
    expect(hart.readCsrBig(CSR_VSCAUSE)).toBe(5n);
    expect(guest.blocked).toBe(0);
  });

  it('a guest with no trap handler that faults is ended, not looped', () => {
    const { hart, fault, guest } = setup();
    hart.writeCsrBig(CSR_VSTVEC, 0n);
    fault(21, 0x9000_0000, 0x8030_0900, 0x0005_3503);
    expect(guest.exit?.clean).toBe(false);
    expect(guest.exit?.reason).toMatch(
      /^exception 5 \(tval 0x90000000\) at pc 0x80300900 with no trap handler/,
    );
  });
});

describe('virtual instructions', () => {
  it('WFI gives the hart back when nothing is pending; anything else is illegal for the guest', () => {
    const { hart, handlers, v } = setup();
    hart.writeCsrBig(CSR_SEPC, 0x8030_1000n);
    hart.writeCsrBig(CSR_STVAL, 0x1050_0073n);
    v.state = 'runnable';
    handlers.virtualInstruction(hart, v);
    expect(v.state).toBe('waiting');
    expect(hart.readCsrBig(CSR_SEPC)).toBe(0x8030_1004n);
    hart.writeCsrBig(CSR_STVAL, 0x6800_2573n); // csrr a0, hgatp
    handlers.virtualInstruction(hart, v);
    expect(hart.readCsrBig(CSR_VSCAUSE)).toBe(2n);
    expect(hart.readCsrBig(CSR_VSTVAL)).toBe(0x6800_2573n);
  });
});

describe('a throw while serving a trap', () => {
  it('ends the guest whose trap it was, not the board', () => {
    const { hv, guest, v } = setup();
    const hart = new FakeHart() as FakeHart & { sret(): void; requestExit(): void; hfenceGvma(): void };
    Object.assign(hart, { sret() {}, requestExit() {}, hfenceGvma() {}, fenceI() {}, clearReservation() {} });
    const slots = (hv as unknown as { slots: { current: unknown }[] }).slots;
    slots[0]!.current = v;
    hart.writeCsrBig(CSR_SEPC, 0x8030_0000n);
    // A device that breaks on an access: the UART's window.
    const uart = guest.deviceAt(0x1000_0000)!.device as unknown as { read: () => number };
    uart.read = () => {
      throw new Error('broken device');
    };
    hart.writeCsrBig(CSR_HTVAL, 0x1000_0000n >> 2n);
    hart.writeCsrBig(CSR_HTINST, 0x0000_4503n); // lbu a0, 0(x0)
    const onTrap = (hv as unknown as { onTrap(h: unknown, cause: number, i: boolean): boolean }).onTrap;
    expect(onTrap.call(hv, hart, 21, false)).toBe(true);
    expect(guest.exit).toEqual({ clean: false, reason: 'hypervisor error serving its trap: broken device' });
    expect((hv as unknown as { fatal?: string }).fatal).toBeUndefined();
  });
});
