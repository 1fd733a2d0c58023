// End to end: Debian's U-Boot (u-boot-qemu, the S-mode build for QEMU virt) under
// Debian's OpenSBI fw_jump.bin, through `hvkit run --bios FILE --kernel u-boot.bin`.
// u-boot.bin is neither an ELF nor a Linux Image: with --bios FILE it is loaded raw
// at 0x80200000, where fw_jump.bin jumps, as QEMU's -kernel does. Skipped (visibly)
// when the Debian packages are not installed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HVKIT_COMMAND, REPO_ROOT } from './test-support.js';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
const PROMPT = '=> ';

const missing = [FW_JUMP, UBOOT].filter((f) => !existsSync(f));
const skipReason =
  missing.length > 0 ? ` (skipped: ${missing.join(', ')} missing; apt-get install opensbi u-boot-qemu)` : '';

/**
 * Runs U-Boot under `hvkit run`; at each `=> ` prompt sends the next command
 * (input typed before U-Boot's console is up would be dropped by its UART
 * set-up, as on QEMU). Resolves with the status and all output.
 */
function session(commands: string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...HVKIT_COMMAND, 'run', '--bios', FW_JUMP, '--kernel', UBOOT, '--timeout', '240'],
      { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let prompts = 0;
    child.stdout.setEncoding('latin1').on('data', (s: string) => {
      stdout += s;
      const seen = stdout.split(PROMPT).length - 1;
      if (seen > prompts) {
        prompts = seen;
        const next = commands.shift();
        if (next !== undefined && stdout.endsWith(PROMPT)) child.stdin.write(`${next}\n`);
      }
    });
    child.stderr.setEncoding('latin1').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe(`U-Boot under OpenSBI fw_jump.bin${skipReason}`, () => {
  it.skipIf(missing.length > 0)(
    'reaches the => prompt, runs version, powers off with status 0',
    async () => {
      const result = await session(['version', 'poweroff']);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('OpenSBI');
      expect(result.stdout).toContain('Domain0 Next Address      : 0x0000000080200000');
      expect(result.stdout).toMatch(/=> version\r?\nU-Boot \d{4}\.\d{2}/);
      expect(result.stdout).toContain('=> poweroff');
      expect(result.status).toBe(0);
    },
    300_000,
  );
});
