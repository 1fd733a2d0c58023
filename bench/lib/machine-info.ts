/* What the numbers were measured on: host, Node, load, the hvkit commit. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  /** CPU model as the OS names it. */
  readonly cpuModel: string;
  /** Logical CPUs. */
  readonly cpus: number;
  readonly totalMemoryGiB: number;
  /** 1, 5 and 15 minute load averages when the run started (other work skews the numbers). */
  readonly loadAverageAtStart: readonly number[];
  /** The hvkit commit, and whether the working tree had uncommitted changes. */
  readonly git: { readonly commit: string; readonly dirty: boolean } | null;
}

function git(): MachineInfo['git'] {
  try {
    const run = (args: string[]): string =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: run(['rev-parse', 'HEAD']), dirty: run(['status', '--porcelain']) !== '' };
  } catch {
    return null;
  }
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    git: git(),
  };
}

/** The 1, 5, 15 minute load averages, rounded. */
export function loadAverage(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}
