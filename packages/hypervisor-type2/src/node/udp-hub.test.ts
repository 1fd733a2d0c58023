import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { HostError } from '../errors.js';
import type { NetAttachment } from '../host-os.js';
import { encodeDatagram, HUB_FRAME, HUB_MAX_FRAME, hubPort } from '../hub/protocol.js';
import { startFixture } from './test-support.js';
import { attachHub } from './udp-hub.js';

/** A hub name no other test (or test run) uses. */
const uniqueHub = (tag: string) => `t-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** An Ethernet frame from `src` to `dst` carrying `text`. */
function frame(dst: Uint8Array, src: Uint8Array, text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const f = new Uint8Array(14 + payload.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = 0x88;
  f[13] = 0xb5; // local experimental EtherType
  f.set(payload, 14);
  return f;
}

const BROADCAST = new Uint8Array(6).fill(0xff);
const text = (f: Uint8Array) => new TextDecoder().decode(f.subarray(14));

/** Collects the frames a member receives; `next()` resolves with the next one. */
function inbox(member: NetAttachment) {
  const frames: Uint8Array[] = [];
  const waiters: ((f: Uint8Array) => void)[] = [];
  member.onReceive((f) => {
    const w = waiters.shift();
    if (w === undefined) frames.push(f);
    else w(f);
  });
  return {
    frames,
    next(timeoutMs = 5000): Promise<Uint8Array> {
      const f = frames.shift();
      if (f !== undefined) return Promise.resolve(f);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no frame arrived')), timeoutMs);
        waiters.push((x) => {
          clearTimeout(timer);
          resolve(x);
        });
      });
    },
  };
}

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

describe('UDP hub, in one process', () => {
  it('relays a frame from one member to every other member, never back to the sender', async () => {
    const name = uniqueHub('three');
    const a = await attachHub(name);
    const b = await attachHub(name);
    const c = await attachHub(name);
    const [inA, inB, inC] = [inbox(a), inbox(b), inbox(c)];
    expect(a.mac[0]).toBe(0x52);
    expect(Buffer.from(a.mac).equals(Buffer.from(b.mac))).toBe(false);
    a.send(frame(BROADCAST, a.mac, 'hello from a'));
    expect(text(await inB.next())).toBe('hello from a');
    expect(text(await inC.next())).toBe('hello from a');
    b.send(frame(a.mac, b.mac, 'reply from b'));
    expect(text(await inA.next())).toBe('reply from b');
    expect(text(await inC.next())).toBe('reply from b'); // a hub, not a switch
    await settle();
    expect(inA.frames).toHaveLength(0);
    expect(inB.frames).toHaveLength(0);
    for (const m of [a, b, c]) m.close();
  });

  it('carries frames up to the cap and drops larger or runt frames, counting them', async () => {
    const name = uniqueHub('sizes');
    const a = await attachHub(name);
    const b = await attachHub(name);
    const inB = inbox(b);
    const big = new Uint8Array(HUB_MAX_FRAME).fill(0x5a);
    big.set(frame(BROADCAST, a.mac, ''), 0);
    a.send(big);
    const got = await inB.next();
    expect(got.length).toBe(HUB_MAX_FRAME);
    expect(got[HUB_MAX_FRAME - 1]).toBe(0x5a);
    a.send(new Uint8Array(HUB_MAX_FRAME + 1));
    a.send(new Uint8Array(10));
    expect(a.dropped).toBe(2);
    a.send(frame(BROADCAST, a.mac, 'after'));
    expect(text(await inB.next())).toBe('after');
    a.close();
    b.close();
  });

  it('a member that left gets nothing more; the others still talk', async () => {
    const name = uniqueHub('leave');
    const a = await attachHub(name);
    const b = await attachHub(name);
    const c = await attachHub(name);
    const inB = inbox(b);
    const inC = inbox(c);
    c.close();
    c.close(); // harmless
    await settle();
    a.send(frame(BROADCAST, a.mac, 'still here'));
    expect(text(await inB.next())).toBe('still here');
    await settle();
    expect(inC.frames).toHaveLength(0);
    a.close();
    b.close();
  });

  it('ignores datagrams that are not hub datagrams, and keeps working', async () => {
    const name = uniqueHub('junk');
    const a = await attachHub(name);
    const b = await attachHub(name);
    const inB = inbox(b);
    const junk = createSocket('udp4');
    await new Promise<void>((r) => junk.bind(0, '127.0.0.1', () => r()));
    const port = hubPort(name);
    for (const d of [
      new Uint8Array([1, 2, 3]),
      new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'),
      encodeDatagram(HUB_FRAME, new Uint8Array(5)), // runt
      encodeDatagram(99),
    ]) {
      junk.send(d, port, '127.0.0.1');
    }
    await settle();
    a.send(frame(BROADCAST, a.mac, 'fine'));
    expect(text(await inB.next())).toBe('fine');
    // A stranger that sends a FRAME joins the hub (members register by sending frames).
    junk.send(
      encodeDatagram(HUB_FRAME, frame(BROADCAST, new Uint8Array(6), 'from a stranger')),
      port,
      '127.0.0.1',
    );
    expect(text(await inB.next())).toBe('from a stranger');
    junk.close();
    a.close();
    b.close();
  });

  it('refuses bad hub names and a port held by something that is not a hub', async () => {
    await expect(attachHub('')).rejects.toThrow(HostError);
    await expect(attachHub('has space')).rejects.toThrow(/hub name "has space": use 1 to 64 letters/);
    await expect(attachHub('x'.repeat(65))).rejects.toThrow(HostError);
    const squatter = createSocket('udp4');
    const port = await new Promise<number>((r) =>
      squatter.bind(0, '127.0.0.1', () => r(squatter.address().port)),
    );
    await expect(attachHub('squatted', { port })).rejects.toThrow(
      `hub squatted: UDP port ${port} on 127.0.0.1 is in use by something that is not an hvkit hub`,
    );
    squatter.close();
  });

  it('refuses a second hub name that shares the port of a hub in use', async () => {
    const port = 20000 + Math.floor(Math.random() * 10000);
    const first = await attachHub('first', { port });
    await expect(attachHub('second', { port })).rejects.toThrow(
      `hub second: its UDP port ${port} is taken by hub "first" (the names share a port; choose another name)`,
    );
    first.close();
  });

  it('derives a stable port per name in 20000..29999', () => {
    expect(hubPort('lan')).toBe(hubPort('lan'));
    for (const n of ['lan', 'a', 'b', 'x'.repeat(64)]) {
      expect(hubPort(n)).toBeGreaterThanOrEqual(20000);
      expect(hubPort(n)).toBeLessThan(30000);
    }
    expect(hubPort('lan')).not.toBe(hubPort('lan2'));
  });
});

describe('UDP hub, across processes', () => {
  it('a member in another process receives and answers frames', async () => {
    const name = uniqueHub('proc');
    const here = await attachHub(name); // this process relays
    const mine = inbox(here);
    const echo = startFixture('hub-echo', [name]);
    const mac = (await echo.line(/^ready /)).split(' ')[1]!;
    here.send(frame(BROADCAST, here.mac, 'ping 1'));
    const reply = await mine.next();
    expect(text(reply)).toBe('ping 1');
    expect(Buffer.from(reply.subarray(6, 12)).toString('hex')).toBe(mac);
    expect(Buffer.from(reply.subarray(0, 6)).equals(Buffer.from(here.mac))).toBe(true);
    echo.process.stdin!.end();
    expect(await echo.ended).toBe(0);
    here.close();
  });

  it('a hub of another name on the same port, in another process, is refused', async () => {
    const port = 20000 + Math.floor(Math.random() * 10000);
    const other = startFixture('hub-echo', ['theirs', String(port)]);
    await other.line(/^ready /);
    await expect(attachHub('mine', { port })).rejects.toThrow(
      `hub mine: its UDP port ${port} is taken by hub "theirs" (the names share a port; choose another name)`,
    );
    other.process.stdin!.end();
    await other.ended;
  });

  it('the hub moves to a remaining member when the relaying process leaves', async () => {
    const name = uniqueHub('move');
    const echo = startFixture('hub-echo', [name]); // the child binds the hub port first
    await echo.line(/^ready /);
    const here = await attachHub(name);
    const mine = inbox(here);
    here.send(frame(BROADCAST, here.mac, 'via the child'));
    expect(text(await mine.next())).toBe('via the child');
    echo.process.stdin!.end();
    await echo.ended;
    // This process takes the relay over at its next keepalive; a new child then finds it.
    await settle(1500);
    const echo2 = startFixture('hub-echo', [name]);
    await echo2.line(/^ready /);
    here.send(frame(BROADCAST, here.mac, 'after the move'));
    expect(text(await mine.next())).toBe('after the move');
    echo2.process.stdin!.end();
    await echo2.ended;
    here.close();
  });
});
