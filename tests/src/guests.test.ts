// Every committed bare-metal guest on the hvkit virt board, judged by its own verdict.
import { describe, expect, it } from 'vitest';
import { guestNames, runOnHvkit } from './support.js';

describe('test guests on hvkit', () => {
  const isa = guestNames().filter((n) => n.startsWith('isa-'));
  it('the ISA suite has both environments', () => {
    expect(isa.filter((n) => n.endsWith('-v')).length).toBeGreaterThanOrEqual(4);
    expect(isa.length).toBeGreaterThanOrEqual(10);
  });
  it.each(isa)('%s passes through tohost', async (name) => {
    const { status, output } = await runOnHvkit(name);
    expect(output).toContain('isa: PASS');
    expect(status).toBe(0);
  });
  it('hello prints and powers off with status 0', async () => {
    const { status, output } = await runOnHvkit('hello');
    expect(output).toContain('Hello from hvkit!');
    expect(status).toBe(0);
  });
  it('demo runs to the end', async () => {
    const { status, output } = await runOnHvkit('demo');
    expect(output).toContain('demo: done');
    expect(status).toBe(0);
  });
  it('fail reports code 3 through the finisher', async () => {
    expect((await runOnHvkit('fail')).status).toBe(3);
  });
  it('echo reads UART input', async () => {
    const { status, output } = await runOnHvkit('echo', 'abc\nquit\n');
    expect(output).toContain('echo: abc');
    expect(status).toBe(0);
  });
});
