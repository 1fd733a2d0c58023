import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINUX_PROMPT, linuxImagePath, parseRiscvImageHeader } from './index.js';

describe('committed Linux image', () => {
  const path = linuxImagePath();

  it('is at an absolute path inside the package and exists', () => {
    expect(isAbsolute(path)).toBe(true);
    expect(path.endsWith(join('guest-linux', 'images', 'Image'))).toBe(true);
    expect(existsSync(path)).toBe(true);
  });

  it('stays small (a few MB)', () => {
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(1 << 20);
    expect(size).toBeLessThan(4 << 20);
  });

  it('starts with the RISC-V Image header magic', () => {
    const bytes = readFileSync(path);
    expect(bytes.subarray(48, 56).toString('latin1')).toBe('RISCV\0\0\0');
    expect(bytes.subarray(56, 60).toString('latin1')).toBe('RSC\x05');
  });

  it('has a header that asks for a 2 MiB text offset, little-endian, version 0.2', () => {
    const header = parseRiscvImageHeader(readFileSync(path));
    expect(header).toBeDefined();
    expect(header?.textOffset).toBe(0x200000n);
    expect(header?.flags).toBe(0n);
    expect(header?.version).toBe(2);
    // The kernel's memory footprint (with BSS) covers at least the file.
    expect(header?.imageSize).toBeGreaterThanOrEqual(BigInt(statSync(path).size));
  });

  it('matches images/Image.sha256', () => {
    const recorded = readFileSync(join(dirname(path), 'Image.sha256'), 'utf8');
    const actual = createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(recorded).toBe(`${actual}  Image\n`);
    expect(readFileSync(join(dirname(path), 'BUILD-INFO'), 'utf8')).toContain(
      `image-sha256:       ${actual}`,
    );
  });
});

describe('parseRiscvImageHeader', () => {
  it('rejects bytes without the magic', () => {
    expect(parseRiscvImageHeader(new Uint8Array(64))).toBeUndefined();
    expect(parseRiscvImageHeader(new Uint8Array(10))).toBeUndefined();
  });
});

it('exports the shell prompt', () => {
  expect(LINUX_PROMPT).toBe('~ # ');
});
