import { describe, expect, it } from 'vitest';
import { ConsoleMux, GuestConsole } from './console.js';

const put = (mux: ConsoleMux, guest: string, text: string) => {
  for (const c of text) mux.put(guest, c.charCodeAt(0));
};

describe('ConsoleMux', () => {
  it('prefixes every line with its guest, shows a prompt at once, drops CRs', () => {
    let out = '';
    const mux = new ConsoleMux((t) => (out += t));
    put(mux, 'linux', 'hello\r\n~ # ');
    expect(out).toBe('[linux] hello\n[linux] ~ # ');
    put(mux, 'linux', 'ls\r\n');
    expect(out).toBe('[linux] hello\n[linux] ~ # ls\n');
  });
  it('never lets another guest write into the middle of a line', () => {
    let out = '';
    const mux = new ConsoleMux((t) => (out += t));
    put(mux, 'a', 'one');
    put(mux, 'b', 'two\n');
    put(mux, 'a', ' more\n');
    mux.end();
    expect(out).toBe('[a] one\n[b] two\n[a]  more\n');
  });
});

describe('GuestConsole', () => {
  it('queues input for the guest and says when there is some', () => {
    const console = new GuestConsole(() => {});
    let told = 0;
    console.onReadable(() => told++);
    expect(console.read()).toBe(-1);
    console.send(new TextEncoder().encode('ab'));
    expect(told).toBe(1);
    expect([console.read(), console.read(), console.read()]).toEqual([97, 98, -1]);
  });
  it('passes output bytes on', () => {
    const bytes: number[] = [];
    new GuestConsole((b) => bytes.push(b)).write(0x141);
    expect(bytes).toEqual([0x41]);
  });
});
