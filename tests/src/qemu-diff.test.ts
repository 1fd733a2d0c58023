// Differential test: each committed bare-metal guest runs on QEMU and on hvkit; the
// exit status and the UART output must agree. Skips (visibly) without QEMU.
import { describe, expect, it } from 'vitest';
import { guestNames, qemuSkipReason, runOnHvkit, runOnQemu } from './support.js';

const skip = qemuSkipReason();
if (skip) console.warn(`qemu differential tests skipped: ${skip}`);

/** Lines that legitimately differ between boards: the DTB pointer and misa (QEMU's hart has more extensions). */
const normalise = (text: string) =>
  text
    .split(/\r?\n/)
    .filter((l) => !/^(hart \d+, dtb|misa )/.test(l))
    .join('\n');

const INPUT: Record<string, string> = { echo: 'hello\nworld\nquit\n' };

describe.skipIf(skip !== undefined)('hvkit agrees with QEMU on every test guest', () => {
  it.each(guestNames())('%s', async (name) => {
    const input = INPUT[name] ?? '';
    const qemu = runOnQemu(name, input);
    const ours = await runOnHvkit(name, input);
    expect(ours.status).toBe(qemu.status);
    expect(normalise(ours.output)).toBe(normalise(qemu.output));
  });
});
