import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { END_OF_INPUT, ESCAPE_HELP, StdioConsole } from './stdio-console.js';

/** A stdin that pretends to be a terminal and records raw-mode switches and pauses. */
class FakeTty extends PassThrough {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  pauses = 0;
  setRawMode(mode: boolean): this {
    this.rawModes.push(mode);
    return this;
  }
  override pause(): this {
    this.pauses++;
    return super.pause();
  }
}

function sink() {
  const chunks: string[] = [];
  return {
    write: (c: string | Uint8Array) => chunks.push(Buffer.from(c).toString('latin1')),
    text: () => chunks.join(''),
    chunks,
  };
}

const tick = () => new Promise((r) => setImmediate(r));
const drain = (c: StdioConsole) => {
  let s = '';
  for (let b = c.read(); b >= 0; b = c.read()) s += String.fromCharCode(b);
  return s;
};

describe('StdioConsole', () => {
  it('on a terminal: raw mode, Ctrl-A x quits, Ctrl-A h helps, Ctrl-A Ctrl-A sends Ctrl-A', async () => {
    const tty = new FakeTty();
    const out = sink();
    const err = sink();
    let quits = 0;
    const c = new StdioConsole({ stdin: tty, stdout: out, stderr: err, onQuit: () => quits++ });
    expect(c.isRaw).toBe(true);
    expect(tty.rawModes).toEqual([true]);
    let readable = 0;
    c.onReadable(() => readable++);
    tty.write('ab\x01h\x01\x01c\x03\x01z');
    await tick();
    expect(drain(c)).toBe('ab\x01c\x03'); // Ctrl-A z is dropped, as QEMU does
    expect(err.text()).toBe(ESCAPE_HELP);
    expect(readable).toBe(1);
    tty.write('\x01');
    await tick();
    tty.write('x');
    await tick();
    expect(quits).toBe(1); // an escape split across reads still works
    c.close();
    c.close();
    expect(tty.rawModes).toEqual([true, false]);
  });

  it('on a pipe: no raw mode, Ctrl-A is an ordinary byte', async () => {
    const pipe = new PassThrough();
    let quits = 0;
    const c = new StdioConsole({ stdin: pipe, stdout: sink(), stderr: sink(), onQuit: () => quits++ });
    expect(c.isRaw).toBe(false);
    pipe.write('\x01x');
    await tick();
    expect(drain(c)).toBe('\x01x');
    expect(quits).toBe(0);
    c.close();
  });

  it('on a pipe: the end of input arrives as one Ctrl-D after the rest', async () => {
    const pipe = new PassThrough();
    const c = new StdioConsole({ stdin: pipe, stdout: sink(), stderr: sink(), onQuit: () => {} });
    let readable = 0;
    c.onReadable(() => readable++);
    pipe.end('uname -a\n');
    await tick();
    await tick();
    expect(END_OF_INPUT).toBe(0x04);
    expect(drain(c)).toBe('uname -a\n\x04');
    expect(readable).toBe(2);
    c.close();
  });

  it('on a terminal: no Ctrl-D is made up when input ends', async () => {
    const tty = new FakeTty();
    const c = new StdioConsole({ stdin: tty, stdout: sink(), stderr: sink(), onQuit: () => {} });
    tty.end('ls\r');
    await tick();
    await tick();
    expect(drain(c)).toBe('ls\r');
    c.close();
  });

  it('holds piped input until the guest prints holdPipedInputUntil, then lets it flow', async () => {
    const pipe = new PassThrough();
    const c = new StdioConsole({
      stdin: pipe,
      stdout: sink(),
      stderr: sink(),
      onQuit: () => {},
      holdPipedInputUntil: '~ # ',
    });
    let readable = 0;
    c.onReadable(() => readable++);
    pipe.end('echo hi\n');
    await tick();
    await tick();
    expect(c.read()).toBe(-1); // booting: nothing yet
    for (const ch of 'boot ~ ~ ') c.write(ch.charCodeAt(0));
    expect(c.read()).toBe(-1);
    const before = readable;
    for (const ch of '# ') c.write(ch.charCodeAt(0));
    await tick();
    expect(readable).toBeGreaterThan(before);
    expect(drain(c)).toBe('echo hi\n\x04');
    c.close();
  });

  it('on a terminal, holdPipedInputUntil does not apply', async () => {
    const tty = new FakeTty();
    const c = new StdioConsole({
      stdin: tty,
      stdout: sink(),
      stderr: sink(),
      onQuit: () => {},
      holdPipedInputUntil: '~ # ',
    });
    tty.write('a');
    await tick();
    expect(drain(c)).toBe('a');
    c.close();
  });

  it('batches output into one write per turn and flushes on close', async () => {
    const out = sink();
    const c = new StdioConsole({ stdin: undefined, stdout: out, stderr: sink(), onQuit: () => {} });
    for (const ch of 'hello') c.write(ch.charCodeAt(0));
    expect(out.chunks).toHaveLength(0);
    await tick();
    expect(out.chunks).toEqual(['hello']);
    c.write(0x21);
    c.close();
    expect(out.text()).toBe('hello!');
  });

  it('stops reading its input above the high-water mark and resumes as the guest reads', async () => {
    const tty = new FakeTty();
    const c = new StdioConsole({ stdin: tty, stdout: sink(), stderr: sink(), onQuit: () => {} });
    const pausesBefore = tty.pauses;
    tty.write(Buffer.alloc(1024 * 1024, 0x61));
    await tick();
    expect(tty.pauses).toBeGreaterThan(pausesBefore);
    expect(tty.isPaused()).toBe(true);
    for (let i = 0; i < 800 * 1024; i++) c.read();
    expect(tty.isPaused()).toBe(false);
    c.close();
  });
});
