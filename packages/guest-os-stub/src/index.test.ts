import { describe, expect, it } from 'vitest';
import { OS_STUB_CHECKS, OS_STUB_ENTRY, osStubImage, parseOsStubReport } from './index.js';

const PASS = `OpenSBI v1.1\r
os-stub: boot hart 0, dtb 0x87e00000\r
os-stub: ok dtb (mem 0x80000000+128MiB, 2 harts)\r
os-stub: ok uart\r
os-stub: task 1 step 0\r
os-stub: ok virtio-blk (skipped: no virtio-blk device)\r
os-stub: PASS 3/3\r
`;

describe('parseOsStubReport', () => {
  it('reads a passing report', () => {
    const r = parseOsStubReport(PASS);
    expect(r.verdict).toBe('PASS');
    expect(r.passed).toBe(3);
    expect(r.total).toBe(3);
    expect(r.checks).toEqual([
      { name: 'dtb', ok: true, why: 'mem 0x80000000+128MiB, 2 harts' },
      { name: 'uart', ok: true },
      { name: 'virtio-blk', ok: true, why: 'skipped: no virtio-blk device' },
    ]);
  });
  it('reads a failing report', () => {
    const r = parseOsStubReport(
      'os-stub: ok dtb\nos-stub: FAIL timer-sbi: no timer interrupt within 1 s\nos-stub: FAIL 1/2\n',
    );
    expect(r.verdict).toBe('FAIL');
    expect(r.passed).toBe(1);
    expect(r.total).toBe(2);
    expect(r.checks[1]).toEqual({ name: 'timer-sbi', ok: false, why: 'no timer interrupt within 1 s' });
  });
  it('is incomplete without a summary', () => {
    const r = parseOsStubReport('os-stub: ok dtb\nos-stub: ok uart\n');
    expect(r.verdict).toBe('incomplete');
    expect(r.passed).toBe(2);
    expect(r.total).toBe(2);
    expect(r.pending).toBe('sbi-dbcn');
  });
  it('does not trust a PASS that contradicts the check lines', () => {
    expect(parseOsStubReport('os-stub: FAIL uart: x\nos-stub: PASS 1/1\n').verdict).toBe('FAIL');
    expect(parseOsStubReport('os-stub: ok uart\nos-stub: PASS 2/2\n').verdict).toBe('FAIL');
    expect(parseOsStubReport('os-stub: PASS 0/0\n').verdict).toBe('FAIL');
  });
  it('ignores the summary-shaped FAIL line as a check', () => {
    const r = parseOsStubReport('os-stub: FAIL dtb: bad FDT magic\nos-stub: FAIL 0/1\n');
    expect(r.checks).toHaveLength(1);
    expect(r.verdict).toBe('FAIL');
  });
});

describe('the image', () => {
  it('is a RISC-V ELF64 whose entry is OS_STUB_ENTRY', () => {
    const img = osStubImage();
    const view = new DataView(img.buffer, img.byteOffset, img.byteLength);
    expect([...img.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(img[4]).toBe(2);
    expect(view.getUint16(18, true)).toBe(243);
    expect(Number(view.getBigUint64(24, true))).toBe(OS_STUB_ENTRY);
  });
  it('returns a fresh copy each time', () => {
    const a = osStubImage();
    a[0] = 0;
    expect(osStubImage()[0]).toBe(0x7f);
  });
  it('lists at least eight checks', () => {
    expect(OS_STUB_CHECKS.length).toBeGreaterThanOrEqual(8);
  });
});
