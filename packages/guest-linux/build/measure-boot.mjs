#!/usr/bin/env node
// Measure how long QEMU takes to boot images/Image to the shell prompt, and
// (with gcc installed) how many guest instructions that takes.
//
//   node build/measure-boot.mjs [--runs N] [--smp N] [--mem SIZE] [--no-insns] [-- extra QEMU args]
//
// Each run starts `qemu-system-riscv64 -M virt -nographic -kernel images/Image`
// (QEMU's bundled OpenSBI as firmware), waits for the prompt, types `poweroff`
// and waits for QEMU to exit. Times are wall-clock from spawning QEMU to the
// prompt, so they include QEMU's own start-up. Instruction counts come from
// build/insn-count.c, compiled on the fly as a QEMU TCG plugin, and are printed
// for "first user instruction" (kernel boot done, /init starts) and for the
// whole run up to QEMU's exit (including poweroff).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const image = join(here, '..', 'images', 'Image');
const PROMPT = '~ # ';

const args = process.argv.slice(2);
const dashdash = args.indexOf('--');
const extra = dashdash >= 0 ? args.splice(dashdash).slice(1) : [];
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const runs = Number(option('--runs', '5'));
const smp = option('--smp', '1');
const mem = option('--mem', '128M');
const wantInsns = !args.includes('--no-insns');

function bootOnce(plugin) {
  return new Promise((resolve, reject) => {
    const qemuArgs = ['-M', 'virt', '-m', mem, '-smp', smp, '-nographic', '-kernel', image, ...extra];
    if (plugin) qemuArgs.push('-plugin', plugin, '-d', 'plugin');
    const started = performance.now();
    const child = spawn('qemu-system-riscv64', qemuArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let promptMs;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no prompt within 60 s; last output:\n${out.slice(-1000)}`));
    }, 60_000);
    const onData = (chunk) => {
      out += chunk.toString('latin1');
      if (promptMs === undefined && out.includes(PROMPT)) {
        promptMs = performance.now() - started;
        child.stdin.write('poweroff\n');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (promptMs === undefined) return reject(new Error(`QEMU exited (${code}) before the prompt`));
      const insns = [...out.matchAll(/^insn-count: (.*)$/gm)].map((m) => m[1].trim());
      resolve({ promptMs, insns });
    });
  });
}

let plugin;
let scratch;
if (wantInsns) {
  try {
    scratch = mkdtempSync(join(tmpdir(), 'hvkit-insn-count-'));
    plugin = join(scratch, 'insn-count.so');
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', plugin, join(here, 'insn-count.c')]);
  } catch (err) {
    console.warn(`instruction counts skipped: could not build the plugin (${err.message.split('\n')[0]})`);
    plugin = undefined;
  }
}

try {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const { promptMs } = await bootOnce(undefined);
    times.push(promptMs);
    console.log(`run ${i + 1}: prompt after ${promptMs.toFixed(0)} ms`);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `-smp ${smp} -m ${mem}: QEMU start to prompt: median ${median.toFixed(0)} ms, ` +
      `min ${times[0].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms over ${runs} runs`,
  );
  if (plugin) {
    const { insns } = await bootOnce(plugin);
    for (const line of insns) console.log(`instructions at ${line}`);
  }
} finally {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
