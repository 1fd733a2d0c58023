import { describe, expect, it } from 'vitest';
import { decodeFdt, type FdtNode, fdtCells, fdtStrings } from '../dtb/fdt.js';
import { dtbToDts, dtcSkipReason } from '../test-support/dtc.js';
import { VIRT_ISA, virtDeviceTree } from './device-tree.js';
import { VirtMachine } from './machine.js';

const MiB = 1024 * 1024;

/** The node at `path` of a decoded tree (fails the test when missing). */
function at(root: FdtNode, path: string): FdtNode {
  let node = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    const next = node.child(part);
    if (next === undefined) throw new Error(`no node ${path} (missing ${part})`);
    node = next;
  }
  return node;
}
const str = (node: FdtNode, prop: string) => fdtStrings(node.property(prop)!);
const cells = (node: FdtNode, prop: string) => fdtCells(node.property(prop)!);

describe('virt device tree', () => {
  const blob = virtDeviceTree({
    memorySize: 256 * MiB,
    harts: 2,
    bootargs: 'console=ttyS0 earlycon',
    initrd: { start: 0x8820_0000, end: 0x8830_0000 },
    rngSeed: new Uint8Array(32).fill(7),
  }).build();
  const root = decodeFdt(blob).root;

  it('describes the root, /chosen and /memory as QEMU does', () => {
    expect(cells(root, '#address-cells')).toEqual([2]);
    expect(cells(root, '#size-cells')).toEqual([2]);
    expect(str(root, 'compatible')).toEqual(['riscv-virtio']);
    expect(str(root, 'model')).toEqual(['riscv-virtio,qemu']);
    const chosen = at(root, '/chosen');
    expect(str(chosen, 'bootargs')).toEqual(['console=ttyS0 earlycon']);
    expect(str(chosen, 'stdout-path')).toEqual(['/soc/serial@10000000']);
    expect(cells(chosen, 'linux,initrd-start')).toEqual([0, 0x8820_0000]);
    expect(cells(chosen, 'linux,initrd-end')).toEqual([0, 0x8830_0000]);
    expect(chosen.property('rng-seed')).toEqual(new Uint8Array(32).fill(7));
    const memory = at(root, '/memory@80000000');
    expect(str(memory, 'device_type')).toEqual(['memory']);
    expect(cells(memory, 'reg')).toEqual([0, 0x8000_0000, 0, 256 * MiB]);
  });

  it('has one cpu node per hart with its interrupt controller, and a cpu-map', () => {
    const cpus = at(root, '/cpus');
    expect(cells(cpus, 'timebase-frequency')).toEqual([10_000_000]);
    expect(cells(cpus, '#address-cells')).toEqual([1]);
    expect(cells(cpus, '#size-cells')).toEqual([0]);
    for (const h of [0, 1]) {
      const cpu = at(cpus, `cpu@${h}`);
      expect(str(cpu, 'device_type')).toEqual(['cpu']);
      expect(cells(cpu, 'reg')).toEqual([h]);
      expect(str(cpu, 'status')).toEqual(['okay']);
      expect(str(cpu, 'compatible')).toEqual(['riscv']);
      expect(str(cpu, 'riscv,isa')).toEqual([VIRT_ISA]);
      expect(VIRT_ISA).toBe('rv64imafdc_zicsr_zifencei_zihintpause_sstc');
      expect(str(cpu, 'riscv,isa-base')).toEqual(['rv64i']);
      expect(str(cpu, 'riscv,isa-extensions')).toEqual(
        expect.arrayContaining(['i', 'm', 'a', 'f', 'd', 'c', 'sstc']),
      );
      expect(str(cpu, 'mmu-type')).toEqual(['riscv,sv48']);
      const intc = at(cpu, 'interrupt-controller');
      expect(cells(intc, '#interrupt-cells')).toEqual([1]);
      expect(intc.property('interrupt-controller')).toEqual(new Uint8Array(0));
      expect(str(intc, 'compatible')).toEqual(['riscv,cpu-intc']);
      expect(intc.property('phandle')).toBeDefined();
      expect(cells(at(cpus, `cpu-map/cluster0/core${h}`), 'cpu')).toEqual(cells(cpu, 'phandle'));
    }
    expect(cpus.child('cpu@2')).toBeUndefined();
  });

  it('describes every device under /soc, wired to the per-hart interrupt controllers', () => {
    const soc = at(root, '/soc');
    expect(str(soc, 'compatible')).toEqual(['simple-bus']);
    expect(soc.property('ranges')).toEqual(new Uint8Array(0));
    const intc = (h: number) => cells(at(root, `/cpus/cpu@${h}/interrupt-controller`), 'phandle')[0]!;
    const clint = at(soc, 'clint@2000000');
    expect(str(clint, 'compatible')).toEqual(['sifive,clint0', 'riscv,clint0']);
    expect(cells(clint, 'reg')).toEqual([0, 0x200_0000, 0, 0x1_0000]);
    expect(cells(clint, 'interrupts-extended')).toEqual([intc(0), 3, intc(0), 7, intc(1), 3, intc(1), 7]);
    const plic = at(soc, 'plic@c000000');
    expect(str(plic, 'compatible')).toEqual(['sifive,plic-1.0.0', 'riscv,plic0']);
    expect(cells(plic, 'reg')).toEqual([0, 0xc00_0000, 0, 0x60_0000]);
    expect(cells(plic, '#interrupt-cells')).toEqual([1]);
    expect(plic.property('interrupt-controller')).toBeDefined();
    expect(cells(plic, 'riscv,ndev')).toEqual([95]);
    expect(cells(plic, 'interrupts-extended')).toEqual([intc(0), 11, intc(0), 9, intc(1), 11, intc(1), 9]);
    const plicHandle = cells(plic, 'phandle');
    const uart = at(soc, 'serial@10000000');
    expect(str(uart, 'compatible')).toEqual(['ns16550a']);
    expect(cells(uart, 'clock-frequency')).toEqual([3_686_400]);
    expect(cells(uart, 'interrupts')).toEqual([10]);
    expect(cells(uart, 'interrupt-parent')).toEqual(plicHandle);
    const rtc = at(soc, 'rtc@101000');
    expect(str(rtc, 'compatible')).toEqual(['google,goldfish-rtc']);
    expect(cells(rtc, 'interrupts')).toEqual([11]);
    const test = at(soc, 'test@100000');
    expect(str(test, 'compatible')).toEqual(['sifive,test1', 'sifive,test0', 'syscon']);
    for (const [name, value] of [
      ['poweroff', 0x5555],
      ['reboot', 0x7777],
    ] as const) {
      const node = at(root, name);
      expect(str(node, 'compatible')).toEqual([`syscon-${name}`]);
      expect(cells(node, 'value')).toEqual([value]);
      expect(cells(node, 'offset')).toEqual([0]);
      expect(cells(node, 'regmap')).toEqual(cells(test, 'phandle'));
    }
    // All eight slots, highest address first (the order Linux probes them in).
    const slots = soc.children.filter((c) => c.name.startsWith('virtio_mmio@')).map((c) => c.name);
    expect(slots).toEqual(
      [7, 6, 5, 4, 3, 2, 1, 0].map((i) => `virtio_mmio@${(0x1000_1000 + i * 0x1000).toString(16)}`),
    );
    for (let i = 0; i < 8; i++) {
      const slot = at(soc, `virtio_mmio@${(0x1000_1000 + i * 0x1000).toString(16)}`);
      expect(str(slot, 'compatible')).toEqual(['virtio,mmio']);
      expect(cells(slot, 'reg')).toEqual([0, 0x1000_1000 + i * 0x1000, 0, 0x1000]);
      expect(cells(slot, 'interrupts')).toEqual([i + 1]);
      expect(cells(slot, 'interrupt-parent')).toEqual(plicHandle);
    }
  });

  it("takes a guest's ISA instead of the board's (a hypervisor's virtual harts)", () => {
    const guest = decodeFdt(
      virtDeviceTree({
        memorySize: 64 * MiB,
        harts: 1,
        isa: { string: 'rv64imac', extensions: ['i', 'm', 'a', 'c'] },
      }).build(),
    ).root;
    expect(str(at(guest, '/cpus/cpu@0'), 'riscv,isa')).toEqual(['rv64imac']);
    expect(str(at(guest, '/cpus/cpu@0'), 'riscv,isa-extensions')).toEqual(['i', 'm', 'a', 'c']);
  });

  it('leaves out what is not given', () => {
    const chosen = at(decodeFdt(virtDeviceTree({ memorySize: 64 * MiB, harts: 1 }).build()).root, '/chosen');
    expect(chosen.properties.map((p) => p.name)).toEqual(['stdout-path']);
  });

  it('decodes with dtc, every node present', (ctx) => {
    const reason = dtcSkipReason();
    ctx.skip(reason !== undefined, reason);
    const machine = new VirtMachine({
      kernel: new Uint8Array([0x6f, 0, 0, 0]),
      kernelFormat: 'raw',
      harts: 4,
      bootargs: 'console=ttyS0',
      initrd: new Uint8Array(4096),
    });
    const dts = dtbToDts(machine.boot.dtb);
    for (const node of [
      'chosen {',
      'memory@80000000 {',
      'cpus {',
      'cpu@0 {',
      'cpu@3 {',
      'interrupt-controller {',
      'cpu-map {',
      'cluster0 {',
      'core3 {',
      'soc {',
      'clint@2000000 {',
      'plic@c000000 {',
      'serial@10000000 {',
      'rtc@101000 {',
      'test@100000 {',
      'poweroff {',
      'reboot {',
      'virtio_mmio@10001000 {',
      'virtio_mmio@10008000 {',
    ]) {
      expect(dts).toContain(node);
    }
    expect(dts).toContain('bootargs = "console=ttyS0";');
    expect(dts).toContain('riscv,isa = "rv64imafdc_zicsr_zifencei_zihintpause_sstc";');
    expect(dts).toContain('mmu-type = "riscv,sv48";');
    expect(dts).toContain('linux,initrd-start = <0x00 0x84000000>;'); // raw kernel at DRAM base + 64 MiB
    expect(dts).toContain('compatible = "sifive,plic-1.0.0\\0riscv,plic0";');
  });
});
