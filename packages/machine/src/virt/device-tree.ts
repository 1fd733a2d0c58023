/*
 * The device tree of the virt board, generated from what the board has (harts, RAM,
 * boot arguments, initrd): node names, compatible strings and properties follow
 * QEMU 7.2's hw/riscv/virt.c so that firmware and kernels written for QEMU find what
 * they expect. Differences from QEMU 7.2, on purpose:
 *   - no pmu, fw-cfg, flash, platform-bus or PCI nodes (the board has none of them);
 *   - `riscv,ndev` is 95, the highest source the PLIC has (QEMU 7.2 writes 96, one past
 *     its last source; later QEMU releases fixed that);
 *   - each cpu also has `riscv,isa-base` and `riscv,isa-extensions` (the newer binding);
 *   - children are written in a readable order (QEMU's libfdt prepends, so its blob
 *     lists nodes in reverse creation order), except the virtio slots, which are
 *     listed from the highest address down as in QEMU's blob: Linux probes them in
 *     that order, so the device in slot 7 becomes virtio0 (and /dev/vda).
 */
import { DeviceTreeBuilder, type FdtNode } from '../dtb/fdt.js';
import { VIRT_TIMEBASE_HZ } from './clock.js';
import {
  VIRT_CLINT_BASE,
  VIRT_CLINT_SIZE,
  VIRT_DRAM_BASE,
  VIRT_PLIC_BASE,
  VIRT_PLIC_NDEV,
  VIRT_PLIC_SIZE,
  VIRT_RTC_BASE,
  VIRT_RTC_IRQ,
  VIRT_RTC_SIZE,
  VIRT_TEST_BASE,
  VIRT_TEST_SIZE,
  VIRT_UART0_BASE,
  VIRT_UART0_CLOCK_HZ,
  VIRT_UART0_IRQ,
  VIRT_UART0_SIZE,
  VIRT_VIRTIO_BASE,
  VIRT_VIRTIO_COUNT,
  VIRT_VIRTIO_IRQ,
  VIRT_VIRTIO_SIZE,
} from './memory-map.js';

/**
 * `riscv,isa` of every hart: what cpu-core implements that Linux and OpenSBI look for
 * (RV64GC, Zicsr, Zifencei, Zihintpause, Sstc).
 */
export const VIRT_ISA = 'rv64imafdc_zicsr_zifencei_zihintpause_sstc';
/** `riscv,isa-base`. */
export const VIRT_ISA_BASE = 'rv64i';
/** `riscv,isa-extensions`: the same set one name each, plus the counters cpu-core has (Zicntr, Zihpm). */
export const VIRT_ISA_EXTENSIONS: readonly string[] = [
  'i',
  'm',
  'a',
  'f',
  'd',
  'c',
  'zicntr',
  'zicsr',
  'zifencei',
  'zihintpause',
  'zihpm',
  'sstc',
];
/** `mmu-type`: the MMU does Sv39 and Sv48; the device tree names the largest. */
export const VIRT_MMU_TYPE = 'riscv,sv48';
/** The console the firmware and kernel should use (`/chosen/stdout-path`). */
export const VIRT_STDOUT_PATH = '/soc/serial@10000000';

/** mip bit numbers as the `riscv,cpu-intc` interrupt specifier uses them. */
const IRQ_M_SOFT = 3;
const IRQ_M_TIMER = 7;
const IRQ_S_EXT = 9;
const IRQ_M_EXT = 11;

/** What the device tree describes. */
export interface VirtDeviceTreeOptions {
  /** RAM size in bytes (RAM starts at 0x8000_0000). */
  readonly memorySize: number;
  /** Number of harts (ids 0..harts-1). */
  readonly harts: number;
  /** Kernel command line (`/chosen/bootargs`); none when undefined. */
  readonly bootargs?: string;
  /** Where the initrd was placed (`linux,initrd-start` / `linux,initrd-end`, end exclusive). */
  readonly initrd?: { readonly start: number; readonly end: number };
  /** Bytes for `/chosen/rng-seed` (QEMU gives 32 random bytes); none when undefined. */
  readonly rngSeed?: Uint8Array;
  /**
   * `riscv,isa` and `riscv,isa-extensions` of every cpu when they differ from the
   * board's (a hypervisor's guest sees its virtual harts, e.g. without Sstc); default
   * `VIRT_ISA` and `VIRT_ISA_EXTENSIONS`.
   */
  readonly isa?: { readonly string: string; readonly extensions: readonly string[] };
}

/** The two-cell `reg` of a window below 4 GiB and its size: `<0 base 0 size>`. */
function reg(node: FdtNode, base: number, size: number): FdtNode {
  return node.setU64('reg', base, size);
}

/** Builds the virt board's device tree (call `.build()` for the blob). */
export function virtDeviceTree(options: VirtDeviceTreeOptions): DeviceTreeBuilder {
  const dt = new DeviceTreeBuilder();
  const root = dt.root
    .setCells('#address-cells', 2)
    .setCells('#size-cells', 2)
    .setString('compatible', 'riscv-virtio')
    .setString('model', 'riscv-virtio,qemu');

  const chosen = root.addNode('chosen');
  if (options.bootargs !== undefined) chosen.setString('bootargs', options.bootargs);
  chosen.setString('stdout-path', VIRT_STDOUT_PATH);
  if (options.initrd !== undefined) {
    chosen.setU64('linux,initrd-start', options.initrd.start).setU64('linux,initrd-end', options.initrd.end);
  }
  if (options.rngSeed !== undefined) chosen.setBytes('rng-seed', options.rngSeed);

  reg(
    root.addNode(`memory@${VIRT_DRAM_BASE.toString(16)}`).setString('device_type', 'memory'),
    VIRT_DRAM_BASE,
    options.memorySize,
  );

  const cpus = root
    .addNode('cpus')
    .setCells('#address-cells', 1)
    .setCells('#size-cells', 0)
    .setCells('timebase-frequency', VIRT_TIMEBASE_HZ);
  const intcs: number[] = [];
  const cpuNodes: FdtNode[] = [];
  for (let h = 0; h < options.harts; h++) {
    const cpu = cpus.addNode(`cpu@${h}`);
    dt.phandle(cpu);
    cpu
      .setString('device_type', 'cpu')
      .setCells('reg', h)
      .setString('status', 'okay')
      .setString('compatible', 'riscv')
      .setString('riscv,isa', options.isa?.string ?? VIRT_ISA)
      .setString('riscv,isa-base', VIRT_ISA_BASE)
      .setStrings('riscv,isa-extensions', ...(options.isa?.extensions ?? VIRT_ISA_EXTENSIONS))
      .setString('mmu-type', VIRT_MMU_TYPE);
    const intc = cpu
      .addNode('interrupt-controller')
      .setCells('#interrupt-cells', 1)
      .setEmpty('interrupt-controller')
      .setString('compatible', 'riscv,cpu-intc');
    intcs.push(dt.phandle(intc));
    cpuNodes.push(cpu);
  }
  const cluster = cpus.addNode('cpu-map').addNode('cluster0');
  cpuNodes.forEach((cpu, h) => {
    cluster.addNode(`core${h}`).setCells('cpu', dt.phandle(cpu));
  });

  const soc = root
    .addNode('soc')
    .setCells('#address-cells', 2)
    .setCells('#size-cells', 2)
    .setString('compatible', 'simple-bus')
    .setEmpty('ranges');

  const perHart = (a: number, b: number) => intcs.flatMap((p) => [p, a, p, b]);
  reg(soc.addNode(`clint@${VIRT_CLINT_BASE.toString(16)}`), VIRT_CLINT_BASE, VIRT_CLINT_SIZE)
    .setStrings('compatible', 'sifive,clint0', 'riscv,clint0')
    .setCells('interrupts-extended', ...perHart(IRQ_M_SOFT, IRQ_M_TIMER));

  const plicNode = soc.addNode(`plic@${VIRT_PLIC_BASE.toString(16)}`);
  const plic = dt.phandle(plicNode);
  reg(plicNode, VIRT_PLIC_BASE, VIRT_PLIC_SIZE)
    .setCells('#address-cells', 0)
    .setCells('#interrupt-cells', 1)
    .setStrings('compatible', 'sifive,plic-1.0.0', 'riscv,plic0')
    .setEmpty('interrupt-controller')
    // Context 2h is hart h's M-mode (MEIP), context 2h + 1 its S-mode (SEIP).
    .setCells('interrupts-extended', ...perHart(IRQ_M_EXT, IRQ_S_EXT))
    .setCells('riscv,ndev', VIRT_PLIC_NDEV);

  reg(soc.addNode(`serial@${VIRT_UART0_BASE.toString(16)}`), VIRT_UART0_BASE, VIRT_UART0_SIZE)
    .setString('compatible', 'ns16550a')
    .setCells('clock-frequency', VIRT_UART0_CLOCK_HZ)
    .setCells('interrupt-parent', plic)
    .setCells('interrupts', VIRT_UART0_IRQ);

  reg(soc.addNode(`rtc@${VIRT_RTC_BASE.toString(16)}`), VIRT_RTC_BASE, VIRT_RTC_SIZE)
    .setString('compatible', 'google,goldfish-rtc')
    .setCells('interrupt-parent', plic)
    .setCells('interrupts', VIRT_RTC_IRQ);

  const testNode = soc.addNode(`test@${VIRT_TEST_BASE.toString(16)}`);
  const test = dt.phandle(testNode);
  reg(testNode, VIRT_TEST_BASE, VIRT_TEST_SIZE).setStrings(
    'compatible',
    'sifive,test1',
    'sifive,test0',
    'syscon',
  );

  for (let slot = VIRT_VIRTIO_COUNT - 1; slot >= 0; slot--) {
    const base = VIRT_VIRTIO_BASE + slot * VIRT_VIRTIO_SIZE;
    reg(soc.addNode(`virtio_mmio@${base.toString(16)}`), base, VIRT_VIRTIO_SIZE)
      .setString('compatible', 'virtio,mmio')
      .setCells('interrupt-parent', plic)
      .setCells('interrupts', VIRT_VIRTIO_IRQ + slot);
  }

  // At the root, as QEMU 7.2 has them: syscon-poweroff / syscon-reboot drive the test device.
  root
    .addNode('poweroff')
    .setString('compatible', 'syscon-poweroff')
    .setCells('regmap', test)
    .setCells('offset', 0)
    .setCells('value', 0x5555);
  root
    .addNode('reboot')
    .setString('compatible', 'syscon-reboot')
    .setCells('regmap', test)
    .setCells('offset', 0)
    .setCells('value', 0x7777);
  return dt;
}
