import type { CharBackend, IrqLine } from '@hvkit/interfaces';
import { describe, expect, it } from 'vitest';
import { Ns16550a } from './ns16550a.js';
import {
  DLL_OFFSET,
  DLM_OFFSET,
  FCR_OFFSET,
  IER_OFFSET,
  IIR_OFFSET,
  LCR_OFFSET,
  LSR_OFFSET,
  MCR_OFFSET,
  MSR_OFFSET,
  RBR_OFFSET,
  SCR_OFFSET,
  THR_OFFSET,
} from './registers.js';

class FakeBackend implements CharBackend {
  readonly input: number[] = [];
  readonly output: number[] = [];
  reads = 0;
  listener: (() => void) | undefined;
  write(byte: number): void {
    this.output.push(byte);
  }
  read(): number {
    this.reads++;
    return this.input.shift() ?? -1;
  }
  onReadable(listener: () => void): void {
    this.listener = listener;
  }
  type(text: string): void {
    for (const c of text) this.input.push(c.charCodeAt(0));
    this.listener?.();
  }
}

class Line implements IrqLine {
  level = false;
  changes = 0;
  set(level: boolean): void {
    this.level = level;
    this.changes++;
  }
}

function setup() {
  const backend = new FakeBackend();
  const irq = new Line();
  const uart = new Ns16550a({ backend, irq });
  const r = (off: number) => uart.read(off, 1);
  const w = (off: number, v: number) => uart.write(off, 1, v);
  return { backend, irq, uart, r, w };
}

describe('Ns16550a reset values', () => {
  it('matches QEMU 16550A after reset', () => {
    const { uart, r, w } = setup();
    expect(uart.name).toBe('uart0');
    expect(uart.size).toBe(0x100);
    expect(r(IER_OFFSET)).toBe(0x00);
    expect(r(IIR_OFFSET)).toBe(0x01);
    expect(r(LCR_OFFSET)).toBe(0x00);
    expect(r(MCR_OFFSET)).toBe(0x08);
    expect(r(LSR_OFFSET)).toBe(0x60);
    expect(r(MSR_OFFSET)).toBe(0xb0);
    expect(r(SCR_OFFSET)).toBe(0x00);
    expect(r(RBR_OFFSET)).toBe(0x00);
    w(LCR_OFFSET, 0x80);
    expect(r(DLL_OFFSET)).toBe(0x0c);
    expect(r(DLM_OFFSET)).toBe(0x00);
  });

  it('reads holes past offset 7 as 0 and ignores writes there', () => {
    const { backend, r, w } = setup();
    w(8, 0x41);
    w(0xff, 0x41);
    expect(r(8)).toBe(0);
    expect(r(0xff)).toBe(0);
    expect(backend.output).toEqual([]);
  });

  it('ignores writes to LSR and MSR', () => {
    const { r, w } = setup();
    w(LSR_OFFSET, 0xff);
    w(MSR_OFFSET, 0xff);
    expect(r(LSR_OFFSET)).toBe(0x60);
    expect(r(MSR_OFFSET)).toBe(0xb0);
  });

  it('uses a custom name', () => {
    expect(new Ns16550a({ backend: new FakeBackend(), name: 'uart1' }).name).toBe('uart1');
  });
});

describe('Ns16550a registers', () => {
  it('DLAB switches offsets 0/1 to the divisor latch without transmitting', () => {
    const { backend, r, w } = setup();
    w(LCR_OFFSET, 0x83);
    w(DLL_OFFSET, 0x01);
    w(DLM_OFFSET, 0x02);
    expect(r(DLL_OFFSET)).toBe(0x01);
    expect(r(DLM_OFFSET)).toBe(0x02);
    expect(r(LCR_OFFSET)).toBe(0x83);
    expect(backend.output).toEqual([]);
    w(LCR_OFFSET, 0x03);
    expect(r(IER_OFFSET)).toBe(0x00);
    w(IER_OFFSET, 0xff);
    expect(r(IER_OFFSET)).toBe(0x0f);
    w(THR_OFFSET, 0x41);
    expect(backend.output).toEqual([0x41]);
    w(LCR_OFFSET, 0x83);
    expect(r(DLL_OFFSET)).toBe(0x01);
  });

  it('SCR holds any byte', () => {
    const { r, w } = setup();
    w(SCR_OFFSET, 0xa5);
    expect(r(SCR_OFFSET)).toBe(0xa5);
    w(SCR_OFFSET, 0x15a);
    expect(r(SCR_OFFSET)).toBe(0x5a);
  });

  it('MCR keeps bits 4:0', () => {
    const { r, w } = setup();
    w(MCR_OFFSET, 0xff);
    expect(r(MCR_OFFSET)).toBe(0x1f);
    w(MCR_OFFSET, 0x03);
    expect(r(MCR_OFFSET)).toBe(0x03);
  });

  it('reads one register whatever the access size', () => {
    const { uart, w } = setup();
    w(SCR_OFFSET, 0x77);
    expect(uart.read(SCR_OFFSET, 4)).toBe(0x77);
    uart.write(SCR_OFFSET, 4, 0x1234_5678);
    expect(uart.read(SCR_OFFSET, 1)).toBe(0x78);
  });

  it('transmits every THR write to the backend immediately, LSR stays THRE|TEMT', () => {
    const { backend, r, w } = setup();
    for (const c of 'hi\n') w(THR_OFFSET, c.charCodeAt(0));
    expect(String.fromCharCode(...backend.output)).toBe('hi\n');
    expect(r(LSR_OFFSET)).toBe(0x60);
  });
});

describe('Ns16550a receiver (pull model)', () => {
  it('pulls bytes when the guest reads LSR / RBR', () => {
    const { backend, r } = setup();
    backend.input.push(0x41, 0x42);
    expect(r(LSR_OFFSET)).toBe(0x61);
    expect(r(RBR_OFFSET)).toBe(0x41);
    expect(r(LSR_OFFSET)).toBe(0x61);
    expect(r(RBR_OFFSET)).toBe(0x42);
    expect(r(LSR_OFFSET)).toBe(0x60);
    expect(r(RBR_OFFSET)).toBe(0x00);
  });

  it('holds one byte without FIFOs and at most 16 with them', () => {
    const { backend, r, w } = setup();
    for (let i = 0; i < 100; i++) backend.input.push(i);
    r(LSR_OFFSET);
    expect(backend.input.length).toBe(99);
    w(FCR_OFFSET, 0x01); // enabling the FIFOs clears them (the pulled byte 0 is lost, as on hardware)
    r(LSR_OFFSET);
    expect(backend.input.length).toBe(99 - 16);
    const got: number[] = [];
    while (r(LSR_OFFSET) & 1 && got.length < 100) got.push(r(RBR_OFFSET));
    expect(got).toEqual(Array.from({ length: 99 }, (_, i) => i + 1));
  });

  it('FCR bit 0 reports FIFOs in IIR bits 7:6; RX reset empties the FIFO', () => {
    const { backend, r, w } = setup();
    w(FCR_OFFSET, 0x07);
    expect(r(IIR_OFFSET)).toBe(0xc1);
    backend.input.push(1, 2, 3);
    expect(r(LSR_OFFSET)).toBe(0x61);
    w(FCR_OFFSET, 0x03);
    expect(backend.input).toEqual([]);
    // The reset discarded the pulled bytes.
    expect(r(LSR_OFFSET)).toBe(0x60);
    w(FCR_OFFSET, 0x00);
    expect(r(IIR_OFFSET)).toBe(0x01);
  });

  it('raises RDA when onReadable fires and drops it when the data is read', () => {
    const { backend, irq, r, w } = setup();
    w(IER_OFFSET, 0x01);
    expect(irq.level).toBe(false);
    backend.type('x');
    expect(irq.level).toBe(true);
    expect(r(IIR_OFFSET)).toBe(0x04);
    expect(r(RBR_OFFSET)).toBe(0x78);
    expect(irq.level).toBe(false);
    expect(r(IIR_OFFSET)).toBe(0x01);
  });

  it('polls a backend without onReadable when RDA is enabled or poll() is called', () => {
    const input = [0x31, 0x32];
    const irq = new Line();
    const uart = new Ns16550a({ backend: { write() {}, read: () => input.shift() ?? -1 }, irq });
    uart.write(IER_OFFSET, 1, 0x01);
    expect(irq.level).toBe(true);
    expect(uart.read(RBR_OFFSET, 1)).toBe(0x31);
    expect(irq.level).toBe(true);
    expect(uart.read(RBR_OFFSET, 1)).toBe(0x32);
    expect(irq.level).toBe(false);
    input.push(0x33);
    uart.poll();
    expect(irq.level).toBe(true);
  });

  it('reports the character timeout below the FIFO trigger level, RDA at or above it', () => {
    const { backend, r, w } = setup();
    w(FCR_OFFSET, 0x41); // FIFO on, trigger level 4
    w(IER_OFFSET, 0x01);
    backend.type('ab');
    expect(r(IIR_OFFSET)).toBe(0xcc);
    backend.type('cd');
    expect(r(IIR_OFFSET)).toBe(0xc4);
    w(FCR_OFFSET, 0xc1); // trigger level 14
    backend.type('0123456789abcdef');
    expect(r(IIR_OFFSET)).toBe(0xc4);
    w(FCR_OFFSET, 0x01); // trigger level 1
    expect(r(IIR_OFFSET)).toBe(0xc4);
  });
});

describe('Ns16550a THRE interrupt', () => {
  it('is raised when ETBEI is enabled with THR empty and acknowledged by reading IIR', () => {
    const { irq, r, w } = setup();
    w(IER_OFFSET, 0x02);
    expect(irq.level).toBe(true);
    expect(r(IIR_OFFSET)).toBe(0x02);
    expect(irq.level).toBe(false);
    expect(r(IIR_OFFSET)).toBe(0x01);
  });

  it('is raised again after each THR write (THR empties at once)', () => {
    const { irq, r, w } = setup();
    w(IER_OFFSET, 0x02);
    r(IIR_OFFSET);
    expect(irq.level).toBe(false);
    w(THR_OFFSET, 0x41);
    expect(irq.level).toBe(true);
    expect(r(IIR_OFFSET)).toBe(0x02);
  });

  it('is forgotten when ETBEI is cleared and re-raised when it is set again', () => {
    const { irq, r, w } = setup();
    w(IER_OFFSET, 0x02);
    w(IER_OFFSET, 0x00);
    expect(irq.level).toBe(false);
    w(IER_OFFSET, 0x02);
    expect(irq.level).toBe(true);
    // Writing IER with ETBEI unchanged does not re-raise an acknowledged THRE.
    r(IIR_OFFSET);
    w(IER_OFFSET, 0x03);
    expect(r(IIR_OFFSET)).toBe(0x01);
  });

  it('is not acknowledged by an IIR read that reports a higher-priority source', () => {
    const { backend, r, w } = setup();
    w(IER_OFFSET, 0x03);
    backend.type('z');
    expect(r(IIR_OFFSET)).toBe(0x04);
    expect(r(RBR_OFFSET)).toBe(0x7a);
    expect(r(IIR_OFFSET)).toBe(0x02);
    expect(r(IIR_OFFSET)).toBe(0x01);
  });
});

describe('Ns16550a loopback', () => {
  it('loops THR to RBR without touching the backend', () => {
    const { backend, r, w } = setup();
    backend.input.push(0x55);
    w(MCR_OFFSET, 0x10);
    w(THR_OFFSET, 0x41);
    expect(backend.output).toEqual([]);
    expect(r(LSR_OFFSET)).toBe(0x61);
    expect(r(RBR_OFFSET)).toBe(0x41);
    expect(r(LSR_OFFSET)).toBe(0x60);
    expect(backend.input).toEqual([0x55]); // input is disconnected in loopback
    w(MCR_OFFSET, 0x08);
    expect(r(RBR_OFFSET)).toBe(0x55);
  });

  it('overruns without FIFOs: the new byte replaces RBR and LSR reports OE once', () => {
    const { r, w } = setup();
    w(MCR_OFFSET, 0x10);
    w(THR_OFFSET, 0x01);
    w(THR_OFFSET, 0x02);
    expect(r(LSR_OFFSET)).toBe(0x63);
    expect(r(LSR_OFFSET)).toBe(0x61);
    expect(r(RBR_OFFSET)).toBe(0x02);
  });

  it('overruns with FIFOs after 16 bytes: the 17th is lost', () => {
    const { r, w } = setup();
    w(FCR_OFFSET, 0x01);
    w(MCR_OFFSET, 0x10);
    for (let i = 0; i < 17; i++) w(THR_OFFSET, i);
    expect(r(LSR_OFFSET)).toBe(0x63);
    const got: number[] = [];
    while (r(LSR_OFFSET) & 1) got.push(r(RBR_OFFSET));
    expect(got).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('maps MCR outputs to MSR inputs and reports deltas', () => {
    const { r, w } = setup();
    w(MCR_OFFSET, 0x10); // loopback, all outputs off: DCD, DSR, CTS fall
    expect(r(MSR_OFFSET)).toBe(0x0b);
    expect(r(MSR_OFFSET)).toBe(0x00);
    w(MCR_OFFSET, 0x11); // DTR -> DSR
    expect(r(MSR_OFFSET)).toBe(0x22);
    w(MCR_OFFSET, 0x12); // RTS -> CTS, DTR off
    expect(r(MSR_OFFSET)).toBe(0x13);
    w(MCR_OFFSET, 0x14); // OUT1 -> RI
    expect(r(MSR_OFFSET)).toBe(0x41);
    w(MCR_OFFSET, 0x18); // OUT2 -> DCD, RI trailing edge
    expect(r(MSR_OFFSET)).toBe(0x8c);
    w(MCR_OFFSET, 0x1f);
    expect(r(MSR_OFFSET) & 0xf0).toBe(0xf0);
  });
});

describe('Ns16550a interrupt identification order', () => {
  it('reports RLS, then RDA, then THRE, then MS, then none', () => {
    const { irq, r, w } = setup();
    w(MCR_OFFSET, 0x10); // loopback: modem deltas appear
    w(THR_OFFSET, 0x31);
    w(THR_OFFSET, 0x32); // overrun
    w(IER_OFFSET, 0x0f);
    expect(irq.level).toBe(true);
    expect(r(IIR_OFFSET)).toBe(0x06);
    expect(r(IIR_OFFSET)).toBe(0x06);
    expect(r(LSR_OFFSET)).toBe(0x63);
    expect(r(IIR_OFFSET)).toBe(0x04);
    expect(r(RBR_OFFSET)).toBe(0x32);
    expect(r(IIR_OFFSET)).toBe(0x02);
    expect(r(IIR_OFFSET)).toBe(0x00);
    expect(r(MSR_OFFSET)).toBe(0x0b);
    expect(r(IIR_OFFSET)).toBe(0x01);
    expect(irq.level).toBe(false);
  });

  it('honours each IER enable bit', () => {
    const { irq, r, w } = setup();
    w(MCR_OFFSET, 0x10);
    w(THR_OFFSET, 1);
    w(THR_OFFSET, 2);
    w(IER_OFFSET, 0x08);
    expect(r(IIR_OFFSET)).toBe(0x00);
    w(IER_OFFSET, 0x04);
    expect(r(IIR_OFFSET)).toBe(0x06);
    w(IER_OFFSET, 0x01);
    expect(r(IIR_OFFSET)).toBe(0x04);
    w(IER_OFFSET, 0x00);
    expect(r(IIR_OFFSET)).toBe(0x01);
    expect(irq.level).toBe(false);
  });
});

describe('Ns16550a snapshot', () => {
  it('saves plain data and restores it, re-asserting the IRQ', () => {
    const a = setup();
    a.w(LCR_OFFSET, 0x80);
    a.w(DLL_OFFSET, 0x03);
    a.w(LCR_OFFSET, 0x03);
    a.w(FCR_OFFSET, 0x41);
    a.w(SCR_OFFSET, 0x99);
    a.w(IER_OFFSET, 0x01);
    a.backend.type('abc');
    const state = a.uart.save();
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state).toMatchObject({ kind: 'ns16550a', version: 1, dll: 3, fcr: 0x41, scr: 0x99, ier: 1 });
    expect(state.rx).toEqual([0x61, 0x62, 0x63]);

    const b = setup();
    b.uart.restore(JSON.parse(JSON.stringify(state)));
    expect(b.irq.level).toBe(true);
    expect(b.r(IIR_OFFSET)).toBe(0xcc);
    expect(b.r(LCR_OFFSET)).toBe(0x03);
    expect(b.r(SCR_OFFSET)).toBe(0x99);
    expect([b.r(RBR_OFFSET), b.r(RBR_OFFSET), b.r(RBR_OFFSET)]).toEqual([0x61, 0x62, 0x63]);
    expect(b.irq.level).toBe(false);
  });

  it('refuses foreign state', () => {
    const { uart } = setup();
    const bad = { ...uart.save(), kind: 'plic' } as unknown as Parameters<typeof uart.restore>[0];
    expect(() => uart.restore(bad)).toThrow(/cannot restore plic/);
    const big = { ...uart.save(), rx: new Array(17).fill(0) };
    expect(() => uart.restore(big)).toThrow(/more than 16/);
  });
});
