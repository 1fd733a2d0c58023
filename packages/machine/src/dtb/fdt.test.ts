import { describe, expect, it } from 'vitest';
import { dtbToDts, dtcSkipReason, dtsToDtb } from '../test-support/dtc.js';
import { DeviceTreeBuilder, decodeFdt, encodeFdt, FDT_MAGIC, FdtNode, fdtCells, fdtStrings } from './fdt.js';

/** A small tree with every kind of value, and names whose tails dtc shares in the strings block. */
function smallTree(): DeviceTreeBuilder {
  const dt = new DeviceTreeBuilder();
  dt.reservations.push({ address: 0x87e0_0000n, size: 0x1000n });
  const root = dt.root
    .setCells('#address-cells', 2)
    .setCells('#size-cells', 2)
    .setString('compatible', 'riscv-virtio')
    .setString('model', 'riscv-virtio,qemu');
  root.addNode('chosen').setString('bootargs', 'console=ttyS0 quiet').setString('stdout-path', '/soc/uart');
  const cpus = root.addNode('cpus').setCells('#address-cells', 1).setCells('#size-cells', 0);
  const cpu = cpus.addNode('cpu@0');
  dt.phandle(cpu);
  cpu.setString('device_type', 'cpu').setCells('reg', 0).setStrings('compatible', 'riscv');
  const intc = cpu
    .addNode('interrupt-controller')
    .setCells('#interrupt-cells', 1)
    .setEmpty('interrupt-controller')
    .setString('compatible', 'riscv,cpu-intc');
  dt.phandle(intc);
  root.addNode('memory@80000000').setString('device_type', 'memory').setU64('reg', 0x8000_0000, 0x800_0000);
  root
    .addNode('soc')
    .setEmpty('ranges')
    .setBytes('bytes', new Uint8Array([1, 2, 3]))
    .setStrings('list', 'a', 'bc')
    .setU64('big', 0x1_2345_6789n)
    .setCells('size-cells', 7) // a tail of "#size-cells": dtc points into that string
    .setCells('interrupts-extended', 2, 11, 2, 9);
  return dt;
}

/** The same tree in dts source, as a person would write it for dtc. */
const SMALL_DTS = `/dts-v1/;
/memreserve/ 0x87e00000 0x1000;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "riscv-virtio";
	model = "riscv-virtio,qemu";
	chosen {
		bootargs = "console=ttyS0 quiet";
		stdout-path = "/soc/uart";
	};
	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		cpu@0 {
			phandle = <1>;
			device_type = "cpu";
			reg = <0>;
			compatible = "riscv";
			interrupt-controller {
				#interrupt-cells = <1>;
				interrupt-controller;
				compatible = "riscv,cpu-intc";
				phandle = <2>;
			};
		};
	};
	memory@80000000 {
		device_type = "memory";
		reg = <0x0 0x80000000 0x0 0x8000000>;
	};
	soc {
		ranges;
		bytes = [01 02 03];
		list = "a", "bc";
		big = <0x1 0x23456789>;
		size-cells = <7>;
		interrupts-extended = <2 11 2 9>;
	};
};
`;

describe('FDT writer', () => {
  it('writes the same bytes as dtc for a small tree', (ctx) => {
    const reason = dtcSkipReason();
    ctx.skip(reason !== undefined, reason);
    const ours = smallTree().build();
    const theirs = dtsToDtb(SMALL_DTS);
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(theirs).toString('hex'));
  });

  it('round-trips through dtc -I dtb -O dts', (ctx) => {
    const reason = dtcSkipReason();
    ctx.skip(reason !== undefined, reason);
    const dts = dtbToDts(smallTree().build());
    expect(dts).toContain('/memreserve/\t0x0000000087e00000 0x0000000000001000;');
    expect(dts).toContain('bootargs = "console=ttyS0 quiet";');
    expect(dts).toContain('list = "a\\0bc";');
    expect(dts).toContain('bytes = [01 02 03];');
    expect(dts).toContain('big = <0x01 0x23456789>;');
    expect(dts).toContain('interrupt-controller;');
    // Recompiling dtc's own output gives our bytes back.
    expect(Buffer.from(dtsToDtb(dts)).toString('hex')).toBe(Buffer.from(smallTree().build()).toString('hex'));
  });

  it('lays out header, reservations, structure and strings as spec 5.2-5.5 say', () => {
    const blob = smallTree().build();
    const view = new DataView(blob.buffer);
    const header = Array.from({ length: 10 }, (_, i) => view.getUint32(i * 4));
    const [magic, total, structOff, stringsOff, rsvOff, version, lastComp, boot, stringsSize, structSize] =
      header as [number, number, number, number, number, number, number, number, number, number];
    expect(magic).toBe(FDT_MAGIC);
    expect(total).toBe(blob.length);
    expect(rsvOff).toBe(40);
    expect(structOff).toBe(40 + 32); // one reservation plus the terminator
    expect(stringsOff).toBe(structOff + structSize);
    expect(stringsOff + stringsSize).toBe(total);
    expect([version, lastComp, boot]).toEqual([17, 16, 0]);
    expect(view.getBigUint64(40)).toBe(0x87e0_0000n);
    expect(view.getBigUint64(48)).toBe(0x1000n);
    // Strings: each name once; "size-cells" points into "#size-cells".
    const strings = Buffer.from(blob.subarray(stringsOff, total)).toString('latin1').split('\0');
    expect(strings.filter((s) => s === 'compatible')).toHaveLength(1);
    expect(strings).not.toContain('size-cells');
    // First token: FDT_BEGIN_NODE of the unnamed root, padded to 4; last: FDT_END.
    expect(view.getUint32(structOff)).toBe(1);
    expect(view.getUint32(structOff + 4)).toBe(0);
    expect(view.getUint32(stringsOff - 4)).toBe(9);
  });

  it('decodes what it encodes', () => {
    const dt = smallTree();
    dt.bootCpuidPhys = 3;
    const decoded = decodeFdt(dt.build());
    expect(decoded.bootCpuidPhys).toBe(3);
    expect(decoded.version).toBe(17);
    expect(decoded.reservations).toEqual([{ address: 0x87e0_0000n, size: 0x1000n }]);
    expect(encodeFdt(decoded.root, { reservations: decoded.reservations, bootCpuidPhys: 3 })).toEqual(
      dt.build(),
    );
    const soc = decoded.root.child('soc')!;
    expect(fdtStrings(soc.property('list')!)).toEqual(['a', 'bc']);
    expect(fdtCells(soc.property('interrupts-extended')!)).toEqual([2, 11, 2, 9]);
    const cpu = decoded.root.child('cpus')!.child('cpu@0')!;
    expect(fdtCells(cpu.property('phandle')!)).toEqual([1]);
    expect(fdtCells(cpu.child('interrupt-controller')!.property('phandle')!)).toEqual([2]);
  });

  it('refuses bad names, values and blobs', () => {
    expect(() => new FdtNode('bad name')).toThrow(/bad node name/);
    const node = new FdtNode('n');
    expect(() => node.setCells('x', -1)).toThrow(/not a u32/);
    expect(() => node.setCells('x', 2 ** 32)).toThrow(/not a u32/);
    expect(() => node.setU64('x', 1n << 64n)).toThrow(/not a 64-bit value/);
    expect(() => node.setString('x', 'a\0b')).toThrow(/contains NUL/);
    expect(() => node.setEmpty('this-name-is-much-too-long-for-fdt')).toThrow(/bad property name/);
    node.addNode('c');
    expect(() => node.addNode('c')).toThrow(/already exists/);
    expect(() => encodeFdt(node)).toThrow(/must be unnamed/);

    const blob = smallTree().build();
    expect(() => decodeFdt(blob.subarray(0, 20))).toThrow(/shorter than a header/);
    expect(() => decodeFdt(blob.subarray(0, blob.length - 1))).toThrow(/past the end/);
    const bad = blob.slice();
    bad[0] = 0;
    expect(() => decodeFdt(bad)).toThrow(/bad magic/);
  });

  it('replaces a property in place and keeps phandles stable', () => {
    const dt = new DeviceTreeBuilder();
    const a = dt.root.addNode('a').setCells('x', 1).setCells('y', 2);
    a.setCells('x', 3);
    expect(a.properties.map((p) => p.name)).toEqual(['x', 'y']);
    expect(fdtCells(a.property('x')!)).toEqual([3]);
    expect(dt.phandle(a)).toBe(1);
    expect(dt.phandle(a)).toBe(1);
    expect(dt.phandle(dt.root.addNode('b'))).toBe(2);
    expect(dt.find('/b')).toBe(dt.root.child('b'));
    expect(dt.find('/nope/b')).toBeUndefined();
  });
});
