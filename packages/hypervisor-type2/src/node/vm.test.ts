import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, type TestContext } from 'vitest';
import type { VmConfig } from '../config.js';
import { HostError, VmConfigError, VmStartError } from '../errors.js';
import type { HostOs, VmThread } from '../host-os.js';
import { memoryDisk } from '../memory-disk.js';
import type { FromVmThread, ToVmThread } from '../protocol.js';
import { createVm, type Vm } from '../vm.js';
import { LOCK_SUFFIX } from './disk.js';
import { NodeHostOs } from './node-host-os.js';
import { guestSkipReason, IMAGES, OWN_GUESTS, RESET_CODE, tempDir, tinyElf } from './test-support.js';
import { attachHub } from './udp-hub.js';

const host = new NodeHostOs({ stdin: null });
const kernel = (name: string) => new Uint8Array(readFileSync(join(IMAGES, name)));

function needsGuest(ctx: TestContext, image: string): void {
  const reason = guestSkipReason(image);
  ctx.skip(reason !== undefined, reason);
}

/** Collects a VM's console output as text; `waitFor` resolves once `text` has appeared. */
function consoleOf(vm: Vm) {
  let out = '';
  const waiters: (() => void)[] = [];
  vm.on('console', (bytes) => {
    out += Buffer.from(bytes).toString('latin1');
    for (const w of waiters.splice(0)) w();
  });
  return {
    text: () => out,
    waitFor(text: string, timeoutMs = 20_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${JSON.stringify(text)} in ${JSON.stringify(out)}`)),
          timeoutMs,
        );
        const check = () => {
          if (out.includes(text)) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

describe('a VM in a worker thread', () => {
  it('runs hello.elf to its power-off', async (ctx) => {
    needsGuest(ctx, 'hello.elf');
    const vm = createVm({ kernel: kernel('hello.elf') }, host);
    const states: string[] = [];
    vm.on('state', (s) => states.push(s));
    const out = consoleOf(vm);
    expect(vm.state).toBe('created');
    await vm.start();
    const exit = await vm.exited;
    expect(exit).toEqual({ kind: 'shutdown', code: 0, source: 'finisher' });
    expect(out.text()).toMatch(
      /^Hello from hvkit!\r\nhart 0, dtb 0x[0-9a-f]{16}\r\nmisa 0x[0-9a-f]{16}\r\ngoodbye\r\n$/,
    );
    expect(states).toEqual(['starting', 'running', 'exited']);
    expect(vm.stats?.instructions).toBeGreaterThan(0);
    expect(await vm.stop()).toEqual(exit); // stopping an ended VM just reports how it ended
  });

  it('feeds console input to echo.elf and gets its answers', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const vm = createVm({ kernel: kernel('echo.elf') }, host);
    const out = consoleOf(vm);
    await vm.start();
    await out.waitFor('echo: ready\r\n');
    vm.sendConsole('hello there\n');
    await out.waitFor('echo: hello there\r\n');
    vm.sendConsole(new TextEncoder().encode('quit\n'));
    expect(await vm.exited).toEqual({ kind: 'shutdown', code: 0, source: 'finisher' });
    expect(out.text()).toBe('echo: ready\r\necho: hello there\r\necho: bye\r\n');
  });

  it('moves a large burst of input through the flow-controlled console', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const vm = createVm({ kernel: kernel('echo.elf') }, host);
    const out = consoleOf(vm);
    await vm.start();
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    vm.sendConsole(`${lines.join('\n')}\nquit\n`); // ~100 KB: more than the input window
    expect(await vm.exited).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(
      out
        .text()
        .split('\r\n')
        .filter((l) => l.startsWith('echo: line ')),
    ).toHaveLength(2000);
  });

  it('pauses (no progress, the clock stands still) and resumes', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const vm = createVm({ kernel: kernel('echo.elf') }, host);
    const out = consoleOf(vm);
    const started = performance.now();
    await vm.start();
    await out.waitFor('echo: ready\r\n');
    await vm.pause();
    expect(vm.state).toBe('paused');
    await vm.pause(); // already paused: nothing to do
    vm.sendConsole('while paused\n');
    await new Promise((r) => setTimeout(r, 400));
    expect(out.text()).toBe('echo: ready\r\n');
    vm.resume();
    expect(vm.state).toBe('running');
    await out.waitFor('echo: while paused\r\n');
    vm.sendConsole('quit\n');
    await vm.exited;
    const wall = performance.now() - started;
    expect(vm.stats!.runMs).toBeLessThan(wall - 350); // the pause is not running time
  });

  it('stops a running VM: outcome stopped, and stop twice is harmless', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const vm = createVm({ kernel: kernel('echo.elf') }, host);
    const out = consoleOf(vm);
    await vm.start();
    await out.waitFor('echo: ready');
    const [a, b] = await Promise.all([vm.stop(), vm.stop()]);
    expect(a).toEqual({ kind: 'stopped' });
    expect(b).toEqual({ kind: 'stopped' });
    expect(await vm.exited).toEqual({ kind: 'stopped' });
    expect(vm.state).toBe('exited');
  });

  it('stops a paused VM', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const vm = createVm({ kernel: kernel('echo.elf') }, host);
    await vm.start();
    await vm.pause();
    expect(await vm.stop()).toEqual({ kind: 'stopped' });
  });

  it('times out after its running time, not counting a pause', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const vm = createVm({ kernel: kernel('echo.elf'), timeoutMs: 600 }, host);
    const start = performance.now();
    await vm.start();
    await vm.pause();
    await new Promise((r) => setTimeout(r, 500));
    vm.resume();
    expect(await vm.exited).toEqual({ kind: 'timeout' });
    expect(performance.now() - start).toBeGreaterThan(1000);
  });

  it('reboots a guest that resets (by default), or ends with reset when asked', async () => {
    const resetter = tinyElf(RESET_CODE);
    // Generous: each reboot rebuilds the board, which takes long on a loaded host.
    const looping = createVm({ kernel: resetter, timeoutMs: 3000 }, host);
    let reboots = 0;
    looping.on('reboot', () => reboots++);
    await looping.start();
    expect(await looping.exited).toEqual({ kind: 'timeout' });
    expect(reboots).toBeGreaterThanOrEqual(2);
    expect(looping.stats?.reboots).toBe(reboots);
    const once = createVm({ kernel: resetter, onReset: 'exit' }, host);
    await once.start();
    expect(await once.exited).toEqual({ kind: 'reset' });
  });

  it('emits trace lines when asked', async (ctx) => {
    needsGuest(ctx, 'hello.elf');
    const vm = createVm({ kernel: kernel('hello.elf'), trace: true }, host);
    let trace = '';
    vm.on('trace', (t) => {
      trace += t;
    });
    await vm.start();
    await vm.exited;
    expect(trace).toMatch(/^hvkit: trace: elf entry 0x80000000/m);
    expect(trace).toMatch(/^0000000080000000: f14022f3 {2}csrrs t0, mhartid, zero$/m);
    expect(trace).toMatch(/^hvkit: trace: stopped: shutdown with code 0 \(finisher\)/m);
  });

  it('runs with several vCPUs', async (ctx) => {
    needsGuest(ctx, 'hello.elf');
    const vm = createVm({ kernel: kernel('hello.elf'), vcpus: 4, memory: 64 * 2 ** 20 }, host);
    const out = consoleOf(vm);
    await vm.start();
    expect(await vm.exited).toMatchObject({ kind: 'shutdown', code: 0 });
    expect(out.text()).toContain('Hello from hvkit!');
  });
});

describe('starting a VM: bad input is refused before anything runs', () => {
  it('refuses resource limits out of range', async () => {
    const bad: Partial<VmConfig>[] = [
      { vcpus: 0 },
      { vcpus: 9 },
      { vcpus: 1.5 },
      { memory: 1000 },
      { memory: 2 ** 33 },
    ];
    for (const limits of bad) {
      const vm = createVm({ kernel: tinyElf(), ...limits }, host);
      await expect(vm.start()).rejects.toThrow(VmConfigError);
      expect(await vm.exited).toMatchObject({ kind: 'failed' });
    }
    await expect(createVm({ kernel: tinyElf(), vcpus: 9 }, host).start()).rejects.toThrow(
      'vCPU count must be 1 to 8, got 9',
    );
  });

  it('reports a kernel the board refuses as a VmStartError of the image', async () => {
    const vm = createVm(
      { kernel: new TextEncoder().encode('not a kernel at all'), kernelFormat: 'elf' },
      host,
    );
    const error = await vm.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VmStartError);
    expect((error as VmStartError).reason).toBe('image');
    expect((error as Error).message).toBe('not an ELF file');
    const big = createVm({ kernel: tinyElf(), memory: 4096, initrd: new Uint8Array(1 << 20) }, host);
    const tooBig = await big.start().catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(VmStartError);
    expect(big.state).toBe('exited');
  });

  it('refuses a disk that is already attached writable, and closes what it had opened', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.img');
    const b = join(dir, 'b.img');
    writeFileSync(a, new Uint8Array(4096));
    writeFileSync(b, new Uint8Array(4096));
    const vm = createVm({ kernel: tinyElf(), disks: [{ path: a }, { path: b }, { path: b }] }, host);
    await expect(vm.start()).rejects.toThrow(HostError);
    expect(existsSync(a + LOCK_SUFFIX)).toBe(false); // a was opened, then released
    expect(existsSync(b + LOCK_SUFFIX)).toBe(false);
    const missing = createVm({ kernel: tinyElf(), disks: [{ path: join(dir, 'none.img') }] }, host);
    await expect(missing.start()).rejects.toThrow(
      `cannot open disk image ${join(dir, 'none.img')}: no such file`,
    );
  });

  it('holds a writable disk for the whole run and releases it at the end', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const path = join(tempDir(), 'held.img');
    writeFileSync(path, new Uint8Array(8192));
    const vm = createVm({ kernel: kernel('echo.elf'), disks: [{ path }, memoryDisk(4096)] }, host);
    await vm.start();
    expect(existsSync(path + LOCK_SUFFIX)).toBe(true);
    const second = createVm({ kernel: kernel('echo.elf'), disks: [{ path }] }, host);
    await expect(second.start()).rejects.toThrow(/is already in use \(writable\) by this hvkit process/);
    await vm.stop();
    expect(existsSync(path + LOCK_SUFFIX)).toBe(false);
  });

  it('reports a VM thread that dies as crashed', async () => {
    let fail: ((e: Error) => void) | undefined;
    let message: ((m: unknown) => void) | undefined;
    const thread: VmThread = {
      post(m) {
        if (m.type === 'init') queueMicrotask(() => message?.({ type: 'started' }));
      },
      onMessage: (l) => {
        message = l as (m: unknown) => void;
      },
      onFailure: (l) => {
        fail = l;
      },
      terminate: async () => {},
    };
    const fake: HostOs = Object.assign(Object.create(host) as HostOs, { startVmThread: () => thread });
    const vm = createVm({ kernel: tinyElf() }, fake);
    await vm.start();
    fail!(new Error('out of memory'));
    expect(await vm.exited).toMatchObject({ kind: 'crashed', message: 'out of memory' });
  });
});

describe('stopping a VM gives its memory back', () => {
  /** Forces full garbage collections (the flag can be set at run time). */
  const gc = (): void => {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  };
  const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

  it('RSS rises by the guest RAM while the VM runs and falls back after stop', async (ctx) => {
    needsGuest(ctx, 'echo.elf');
    const memory = 512 * 2 ** 20;
    // A first VM loads the worker's code, so the measurement below sees only the guest.
    const warm = createVm({ kernel: kernel('echo.elf'), memory: 16 * 2 ** 20 }, host);
    await warm.start();
    await warm.stop();
    gc();
    const before = rssMiB();
    const vm = createVm({ kernel: kernel('echo.elf'), memory, preallocateMemory: true }, host);
    const out = consoleOf(vm);
    await vm.start();
    await out.waitFor('echo: ready');
    const during = rssMiB();
    await vm.stop();
    let after = rssMiB();
    for (let i = 0; i < 50 && after - before > 100; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 100));
      after = rssMiB();
    }
    ctx.annotate(
      `RSS before ${before.toFixed(0)} MiB, during ${during.toFixed(0)} MiB, after ${after.toFixed(0)} MiB`,
    );
    expect(during - before).toBeGreaterThan(400); // the 512 MiB of guest RAM, committed
    expect(after - before).toBeLessThan(100); // and given back
  });
});

describe('network frames between a VM thread and a hub', () => {
  /** A VM thread stand-in that records what it is sent and lets the test speak for the guest. */
  function scriptedThread() {
    const received: ToVmThread[] = [];
    let speak: ((m: FromVmThread) => void) | undefined;
    const thread: VmThread = {
      post(m) {
        received.push(m);
        if (m.type === 'init') queueMicrotask(() => speak?.({ type: 'started' }));
        if (m.type === 'stop')
          queueMicrotask(() =>
            speak?.({
              type: 'exit',
              outcome: { kind: 'stopped' },
              stats: { instructions: 0, reboots: 0, runMs: 0 },
            }),
          );
      },
      onMessage: (l) => {
        speak = l;
      },
      onFailure: () => {},
      terminate: async () => {},
    };
    return { thread, received, guest: (m: FromVmThread) => speak!(m) };
  }

  it('relays guest frames to the hub and hub frames to the guest, within the receive window', async () => {
    const hub = `vm-net-${process.pid}`;
    const scripted = scriptedThread();
    const fake: HostOs = Object.assign(Object.create(host) as HostOs, {
      startVmThread: () => scripted.thread,
    });
    const vm = createVm(
      { kernel: tinyElf(), nets: [{ hub, mac: new Uint8Array([0x52, 0x54, 0, 1, 2, 3]) }] },
      fake,
    );
    await vm.start();
    const init = scripted.received.find((m) => m.type === 'init');
    expect(init?.type === 'init' && [...init.config.nets[0]!.mac]).toEqual([0x52, 0x54, 0, 1, 2, 3]);
    const peer = await attachHub(hub);
    const fromGuest = new Promise<Uint8Array>((resolve) => peer.onReceive(resolve));
    const frame = new Uint8Array(60).fill(0xff, 0, 6);
    frame.set([0x52, 0x54, 0, 1, 2, 3], 6);
    frame[20] = 42;
    scripted.guest({ type: 'netTx', index: 0, frame });
    expect((await fromGuest)[20]).toBe(42);
    // The guest never acknowledges: after RX_WINDOW frames the rest are dropped.
    for (let i = 0; i < 300; i++) {
      const f = new Uint8Array(60);
      f[20] = i & 0xff;
      peer.send(f);
    }
    const deadline = Date.now() + 5000;
    const rx = () => scripted.received.filter((m) => m.type === 'netRx').length;
    while (rx() < 256 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(rx()).toBe(256);
    scripted.guest({ type: 'netAck', frames: 256 });
    peer.send(new Uint8Array(60));
    while (rx() < 257 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(rx()).toBe(257);
    expect(await vm.stop()).toEqual({ kind: 'stopped' });
    peer.close();
  });
});

describe('two guests on one hub', () => {
  it('greet each other over virtio-net (net-hello.elf, two VMs in this process)', async () => {
    const netHello = new Uint8Array(readFileSync(join(OWN_GUESTS, 'net-hello.elf')));
    const hub = `guests-${process.pid}`;
    const vms = [0, 1].map(() => createVm({ kernel: netHello, nets: [{ hub }], timeoutMs: 60_000 }, host));
    const outs = vms.map(consoleOf);
    await Promise.all(vms.map((vm) => vm.start()));
    const exits = await Promise.all(vms.map((vm) => vm.exited));
    expect(exits).toEqual([
      { kind: 'shutdown', code: 0, source: 'finisher' },
      { kind: 'shutdown', code: 0, source: 'finisher' },
    ]);
    const macs = outs.map((o) => /^net: mac ([0-9a-f:]{17})\r\n/.exec(o.text())?.[1]);
    expect(macs[0]).toMatch(/^52:54:00:/);
    expect(macs[0]).not.toBe(macs[1]);
    expect(outs[0]!.text()).toContain(`net: got hello from ${macs[1]}\r\n`);
    expect(outs[1]!.text()).toContain(`net: got hello from ${macs[0]}\r\n`);
  });

  it('a guest without a network interface says so', async () => {
    const vm = createVm({ kernel: new Uint8Array(readFileSync(join(OWN_GUESTS, 'net-hello.elf'))) }, host);
    const out = consoleOf(vm);
    await vm.start();
    expect(await vm.exited).toMatchObject({ kind: 'shutdown', code: 2 });
    expect(out.text()).toBe('net: no virtio-net device\r\n');
  });
});
