// The SBI a VS-mode guest sees: @hvkit/sbi's firmware over the guest's vCPUs and its
// guest-physical RAM, with the hypervisor's side replaced by a recorder.
import { osStubImage } from '@hvkit/guest-os-stub';
import type { GuestPhysAddr } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { Guest, type GuestExit, type VcpuControl } from './guest.js';
import { checkTable } from './table.js';

const MiB = 1024 * 1024;
const EID = {
  BASE: 0x10,
  TIME: 0x54494d45,
  IPI: 0x735049,
  RFENCE: 0x52464e43,
  HSM: 0x48534d,
  SRST: 0x53525354,
  DBCN: 0x4442434e,
};

function setup(vcpus = 2) {
  const plan = checkTable({
    board: { harts: 2, memory: '64M', reserved: '4M' },
    guests: [{ name: 'g', harts: [0], vcpus, memory: '32M', kernel: 'os-stub' }],
  });
  const board = { base: 0x8000_0000 as GuestPhysAddr, size: 64 * MiB, bytes: new Uint8Array(64 * MiB) };
  const calls: string[] = [];
  const exits: GuestExit[] = [];
  let out = '';
  const control: VcpuControl = {
    setVsip: (_g, id, bit, level) => calls.push(`vsip ${id} ${bit} ${level}`),
    setTimer: (_g, id, deadline) => calls.push(`timer ${id} ${deadline}`),
    startVcpu: (_g, id, pc, opaque) => calls.push(`start ${id} ${pc.toString(16)} ${opaque}`),
    stopVcpu: (_g, id) => calls.push(`stop ${id}`),
    fence: (_g, id, kind) => calls.push(`fence ${id} ${kind}`),
    finish: (_g, exit) => exits.push(exit),
    reboot: () => calls.push('reboot'),
    completeForwarded: (_g, source) => calls.push(`complete ${source}`),
    now: () => 1000,
  };
  const guest = new Guest(
    plan.guests[0]!,
    { kernel: osStubImage() },
    board,
    control,
    (b) => (out += String.fromCharCode(b)),
    () => new Set([0]),
    () => 0n,
  );
  const hart = { hartId: 0, xl: new Int32Array(33), xh: new Int32Array(33), pc: 0x8020_0000 };
  /** Makes SBI call eid/fid from vCPU `id` with a0..a2; returns [a0, a1]. */
  const call = (id: number, eid: number, fid: number, ...args: number[]) => {
    hart.hartId = id;
    hart.xl.fill(0);
    hart.xh.fill(0);
    hart.xl[17] = eid;
    hart.xl[16] = fid;
    args.forEach((a, i) => {
      hart.xl[10 + i] = a | 0;
      hart.xh[10 + i] = Math.floor(a / 2 ** 32) | 0;
    });
    guest.firmware.handleEcall(hart);
    return [hart.xl[10]!, hart.xl[11]!];
  };
  calls.length = 0; // the PLIC drives its lines low when it is made
  return { guest, board, calls, exits, call, hart, output: () => out, hostBase: plan.guests[0]!.hostBase };
}

describe('a guest on its window of board RAM', () => {
  it('sees its RAM at 0x80000000, loaded from its window of the board, with a device tree for its vCPUs', () => {
    const { guest, board, hostBase } = setup();
    expect(guest.ram.base).toBe(0x8000_0000);
    expect(guest.ram.size).toBe(32 * MiB);
    expect(guest.ram.bytes.byteOffset).toBe(hostBase - 0x8000_0000);
    expect(guest.entry).toBe(0x8020_0000);
    const dtb = guest.ram.bytes.subarray(guest.dtbAddress - 0x8000_0000);
    expect(Array.from(dtb.subarray(0, 4))).toEqual([0xd0, 0x0d, 0xfe, 0xed]);
    const text = Buffer.from(dtb.subarray(0, 4096)).toString('latin1');
    expect(text).toContain('rv64imafdc_zicsr_zifencei_zihintpause\0');
    expect(text).not.toContain('sstc');
    expect(text).toContain('cpu@1');
    expect(text).not.toContain('cpu@2');
    // Nothing of it outside its window.
    expect(board.bytes.subarray(0, hostBase - 0x8000_0000).every((b) => b === 0)).toBe(true);
  });

  it('places an initrd as QEMU does and names it, with the bootargs, in /chosen', async () => {
    const { decodeFdt, fdtCells, fdtStrings } = await import('@hvkit/machine');
    const plan = checkTable({
      board: { harts: 1, memory: '64M', reserved: '4M' },
      guests: [{ name: 'g', harts: [0], memory: '32M', kernel: 'os-stub', bootargs: 'rdinit=/x' }],
    }).guests[0]!;
    const board = { base: 0x8000_0000 as GuestPhysAddr, size: 64 * MiB, bytes: new Uint8Array(64 * MiB) };
    const initrd = new Uint8Array(5000).fill(0x5a);
    const control = {
      setVsip() {},
      setTimer() {},
      startVcpu() {},
      stopVcpu() {},
      fence() {},
      finish() {},
      reboot() {},
      completeForwarded() {},
      now: () => 0,
    };
    const g = new Guest(
      plan,
      { kernel: osStubImage(), initrd },
      board,
      control,
      () => {},
      () => new Set([0]),
      () => 0n,
    );
    const chosen = decodeFdt(g.ram.bytes.subarray(g.dtbAddress - 0x8000_0000)).root.child('chosen')!;
    const [, start] = fdtCells(chosen.property('linux,initrd-start')!);
    const [, end] = fdtCells(chosen.property('linux,initrd-end')!);
    expect(end! - start!).toBe(5000);
    expect(g.ram.bytes.subarray(start! - 0x8000_0000, end! - 0x8000_0000).every((b) => b === 0x5a)).toBe(
      true,
    );
    expect(fdtStrings(chosen.property('bootargs')!)).toEqual(['rdinit=/x']);
  });

  it('has its devices at the virt addresses and nothing elsewhere', () => {
    const { guest } = setup();
    expect(guest.deviceAt(0x1000_0000)?.device.name).toBe('g.uart');
    expect(guest.deviceAt(0x0c20_1004)).toMatchObject({ offset: 0x20_1004 });
    expect(guest.deviceAt(0x1000_8000)?.device.name).toBe('g.virtio7');
    expect(guest.deviceAt(0x0010_0000)?.device.name).toBe('g.test');
    expect(guest.deviceAt(0x0010_1000)?.device.name).toBe('g.rtc');
    for (const gpa of [0, 0x200_0000, 0x1000_0100, 0x1000_9000, 0x8000_0000, 0x3000_0000]) {
      expect(guest.deviceAt(gpa)).toBeUndefined();
    }
  });
});

describe('SBI for VS-mode guests', () => {
  it('BASE: probes the extensions it serves', () => {
    const { call } = setup();
    expect(call(0, EID.BASE, 3, EID.HSM)).toEqual([0, 1]);
    expect(call(0, EID.BASE, 3, 0x12345)).toEqual([0, 0]);
  });

  it('TIME: set_timer programs the calling vCPU', () => {
    const { call, calls } = setup();
    call(1, EID.TIME, 0, 123_456);
    expect(calls).toEqual(['timer 1 123456']);
  });

  it('IPI and RFENCE: to its own vCPUs only', () => {
    const { call, calls, guest } = setup();
    for (const v of guest.vcpus) v.state = 'runnable';
    expect(call(0, EID.IPI, 0, 0b11, 0)[0]).toBe(0);
    expect(calls).toEqual(['vsip 0 4 true', 'vsip 1 4 true']);
    calls.length = 0;
    expect(call(0, EID.IPI, 0, 0b100, 0)[0]).toBe(-3); // vCPU 2 does not exist
    expect(calls).toEqual([]);
    expect(call(0, EID.RFENCE, 0, 0b10, 0)[0]).toBe(0);
    expect(call(0, EID.RFENCE, 1, 0b11, 0, 0, 0)[0]).toBe(0);
    expect(calls).toEqual(['fence 1 i', 'fence 0 vma', 'fence 1 vma']);
  });

  it('HSM: starts a stopped vCPU inside its RAM, reports states, stops the caller', () => {
    const { call, calls, guest } = setup();
    expect(call(0, EID.HSM, 2, 1)).toEqual([0, 1]); // stopped
    expect(call(0, EID.HSM, 0, 1, 0x8020_0000, 7)[0]).toBe(0);
    expect(calls).toEqual(['start 1 80200000 7']);
    expect(call(0, EID.HSM, 0, 1, 0x9000_0000, 7)[0]).toBe(-5); // outside its RAM: SBI_ERR_INVALID_ADDRESS
    expect(call(0, EID.HSM, 0, 5, 0x8020_0000, 0)[0]).toBe(-3); // not its vCPU
    guest.vcpus[1]!.state = 'runnable';
    expect(call(0, EID.HSM, 2, 1)).toEqual([0, 0]); // started
    call(1, EID.HSM, 1);
    expect(calls.at(-1)).toBe('stop 1');
  });

  it('SRST: shutdown ends that guest, cleanly or not; a reboot boots it again', () => {
    const a = setup();
    a.call(0, EID.SRST, 0, 0, 0);
    expect(a.exits).toEqual([{ clean: true, reason: 'shutdown' }]);
    const b = setup();
    b.call(0, EID.SRST, 0, 0, 1);
    expect(b.exits).toEqual([{ clean: false, reason: 'shutdown (failure)' }]);
    const c = setup();
    c.call(0, EID.SRST, 0, 1, 0);
    expect(c.exits).toEqual([]);
    expect(c.calls).toEqual(['reboot']);
  });

  it('DBCN and legacy console: guest-physical buffers inside its RAM only', () => {
    const { call, guest, output } = setup();
    guest.ram.bytes.set(new TextEncoder().encode('hi there'), 0x10_0000);
    expect(call(0, EID.DBCN, 0, 8, 0x8010_0000, 0)).toEqual([0, 8]);
    expect(call(0, EID.DBCN, 0, 8, 0x8000_0000 + 32 * MiB, 0)[0]).toBe(-3);
    expect(call(0, EID.DBCN, 0, 16, 0x8000_0000 + 32 * MiB - 8, 0)[0]).toBe(-3);
    expect(call(0, EID.DBCN, 2, 0x21)[0]).toBe(0);
    call(0, 0x01, 0, 0x0a); // legacy putchar
    expect(output()).toBe('hi there!\n');
    expect(call(0, EID.DBCN, 1, 4, 0x8010_0100, 0)).toEqual([0, 0]);
    // Input is shared with the UART (as on the virt board): what its FIFO has not taken, SBI reads.
    guest.console.send(new TextEncoder().encode('xyz'));
    const [error, n] = call(0, EID.DBCN, 1, 4, 0x8010_0100, 0);
    expect(error).toBe(0);
    expect('xyz'.endsWith(Buffer.from(guest.ram.bytes.subarray(0x10_0100, 0x10_0100 + n!)).toString())).toBe(
      true,
    );
    expect(call(0, EID.DBCN, 1, 4, 0x8000_0000 + 32 * MiB, 0)[0]).toBe(-3);
    expect(call(0, 0x02, 0)[0]).toBe(-1); // legacy getchar: nothing waiting
  });
});

describe("a guest's virtio DMA", () => {
  it('reaches only its own RAM: a buffer past its RAM is refused, the next guest’s memory is untouched', async () => {
    const { guest, board, hostBase } = setup(1);
    const {
      VIRTIO_MMIO_DRIVER_FEATURES,
      VIRTIO_MMIO_DRIVER_FEATURES_SEL,
      VIRTIO_MMIO_QUEUE_DESC_LOW,
      VIRTIO_MMIO_QUEUE_DEVICE_LOW,
      VIRTIO_MMIO_QUEUE_DRIVER_LOW,
      VIRTIO_MMIO_QUEUE_NOTIFY,
      VIRTIO_MMIO_QUEUE_NUM,
      VIRTIO_MMIO_QUEUE_READY,
      VIRTIO_MMIO_STATUS,
      VIRTQ_DESC_F_NEXT,
      VIRTQ_DESC_F_WRITE,
    } = await import('@hvkit/devices');
    // Rebuild the guest with a disk: slot 7 (the first disk) at 0x1000_8000.
    const plan = guest.plan;
    const disk = {
      sizeBytes: 1 << 20,
      readOnly: false,
      read: (_o: number, d: Uint8Array) => d.fill(0xab),
      write() {},
      flush() {},
    };
    const g = new Guest(
      plan,
      { kernel: osStubImage(), disks: [disk] },
      board,
      {
        setVsip() {},
        setTimer() {},
        startVcpu() {},
        stopVcpu() {},
        fence() {},
        finish() {},
        reboot() {},
        completeForwarded() {},
        now: () => 0,
      },
      () => {},
      () => new Set([0]),
      () => 0n,
    );
    const slot = g.deviceAt(0x1000_8000)!.device;
    const w = (o: number, v: number) => slot.write(o, 4, v);
    w(VIRTIO_MMIO_STATUS, 0);
    w(VIRTIO_MMIO_STATUS, 1 | 2);
    w(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    w(VIRTIO_MMIO_DRIVER_FEATURES, 1); // VIRTIO_F_VERSION_1
    w(VIRTIO_MMIO_STATUS, 1 | 2 | 8);
    const gpa = (off: number) => 0x8000_0000 + off;
    const desc = 0x10_0000;
    const avail = 0x10_1000;
    const used = 0x10_2000;
    w(VIRTIO_MMIO_QUEUE_NUM, 8);
    w(VIRTIO_MMIO_QUEUE_DESC_LOW, gpa(desc));
    w(VIRTIO_MMIO_QUEUE_DRIVER_LOW, gpa(avail));
    w(VIRTIO_MMIO_QUEUE_DEVICE_LOW, gpa(used));
    w(VIRTIO_MMIO_QUEUE_READY, 1);
    w(VIRTIO_MMIO_STATUS, 1 | 2 | 8 | 4);
    const view = new DataView(g.ram.bytes.buffer, g.ram.bytes.byteOffset, g.ram.bytes.byteLength);
    const put = (i: number, addr: number, len: number, flags: number, next: number) => {
      view.setBigUint64(desc + 16 * i, BigInt(addr), true);
      view.setUint32(desc + 16 * i + 8, len, true);
      view.setUint16(desc + 16 * i + 12, flags, true);
      view.setUint16(desc + 16 * i + 14, next, true);
    };
    // A read of sector 0 into the first 4 KiB past its RAM: where the next guest would be if DMA used host addresses.
    view.setUint32(0x10_3000, 0, true); // VIRTIO_BLK_T_IN
    put(0, gpa(0x10_3000), 16, VIRTQ_DESC_F_NEXT, 1);
    put(1, gpa(g.ram.size), 4096, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    put(2, gpa(0x10_3010), 1, VIRTQ_DESC_F_WRITE, 0);
    view.setUint16(avail + 4, 0, true); // ring[0] = head 0
    view.setUint16(avail + 2, 1, true); // idx = 1
    w(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    const next = hostBase - 0x8000_0000 + g.ram.size;
    expect(board.bytes.subarray(next, next + 4096).every((b) => b === 0)).toBe(true);
    // The disk's bytes (0xab) landed nowhere on the board outside the guest's window.
    const start = hostBase - 0x8000_0000;
    expect(board.bytes.subarray(0, start).includes(0xab)).toBe(false);
    expect(board.bytes.subarray(start + g.ram.size).includes(0xab)).toBe(false);
  });
});
