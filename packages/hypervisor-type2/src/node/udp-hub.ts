/*
 * Host-side Ethernet hubs over UDP on 127.0.0.1 (protocol: ../hub/protocol.ts).
 *
 * The first hvkit process to bind a hub's well-known port relays for it; every
 * attachment, in that process or another, is a member with its own socket. When the
 * relaying process leaves, a remaining member binds the port at its next keepalive
 * and the others find it there: the hub moves, frames sent in between are lost.
 *
 * Threats: any local process can send to the hub port (there is no authentication,
 * as with QEMU's socket netdevs): it can join the hub and read or inject frames, but
 * only from 127.0.0.1. Nothing is ever sent to or accepted from another address.
 * Queues are bounded: a member or relay with too many datagrams in the kernel's send
 * path drops new ones and counts them.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { HostError } from '../errors.js';
import { HUB_NAME_PATTERN, type NetAttachment, type NetAttachOptions } from '../host-os.js';
import {
  decodeDatagram,
  encodeDatagram,
  HUB_BYE,
  HUB_FRAME,
  HUB_HELLO,
  HUB_KEEPALIVE_MS,
  HUB_MAX_FRAME,
  HUB_MAX_MEMBERS,
  HUB_MEMBER_TIMEOUT_MS,
  HUB_MIN_FRAME,
  HUB_WELCOME,
  hubPort,
  randomMac,
} from '../hub/protocol.js';

/** The only address hubs use. */
const LOOPBACK = '127.0.0.1';
/** Datagrams a socket may have in the kernel's send path before new ones are dropped. */
const SEND_QUEUE_LIMIT = 256;
/** How long `attachHub` waits for the hub's WELCOME. */
const WELCOME_TIMEOUT_MS = 1000;
/** Options for testing: a different port range or timing. */
export interface HubOptions extends NetAttachOptions {
  /** The hub's UDP port; default `hubPort(name)`. */
  readonly port?: number;
}

/** A bound UDP socket on 127.0.0.1, or the bind error. */
function bindSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    const onError = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once('error', onError);
    socket.bind({ address: LOOPBACK, port, exclusive: true }, () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}

/** Sends with a bounded queue: returns false (and sends nothing) when `pending` is at the limit. */
function boundedSend(
  socket: Socket,
  counter: { pending: number },
  datagram: Uint8Array,
  port: number,
): boolean {
  if (counter.pending >= SEND_QUEUE_LIMIT) return false;
  counter.pending++;
  socket.send(datagram, port, LOOPBACK, () => {
    counter.pending--;
  });
  return true;
}

/** The relay of one hub in this process: the socket bound to the hub's port. */
class HubRelay {
  private readonly members = new Map<number, number>(); // member port -> last heard (ms)
  private readonly counter = { pending: 0 };
  private readonly sweep: ReturnType<typeof setInterval>;
  /** Attachments in this process that keep the relay alive. */
  refs = 0;
  /** Frames dropped (send queue full, too many members). */
  dropped = 0;

  private readonly welcome: Uint8Array;

  constructor(
    private readonly socket: Socket,
    readonly port: number,
    /** The hub this relay serves. */
    readonly name: string,
  ) {
    this.welcome = encodeDatagram(HUB_WELCOME, new TextEncoder().encode(name));
    socket.on('message', (data: Buffer, from: RemoteInfo) => this.receive(data, from));
    socket.on('error', () => {}); // ICMP unreachable from a member that went away
    this.sweep = setInterval(() => this.expire(), HUB_KEEPALIVE_MS);
    this.sweep.unref();
  }

  close(): void {
    clearInterval(this.sweep);
    this.socket.close();
  }

  private receive(data: Buffer, from: RemoteInfo): void {
    if (from.address !== LOOPBACK || from.family !== 'IPv4') return;
    const datagram = decodeDatagram(data);
    if (datagram === undefined) return;
    const now = performance.now();
    switch (datagram.type) {
      case HUB_HELLO: {
        // Always answer, so that a member of another hub on this port learns whose it is.
        boundedSend(this.socket, this.counter, this.welcome, from.port);
        if (new TextDecoder().decode(datagram.payload) !== this.name) return;
        if (!this.members.has(from.port) && this.members.size >= HUB_MAX_MEMBERS) return;
        this.members.set(from.port, now);
        return;
      }
      case HUB_BYE:
        this.members.delete(from.port);
        return;
      case HUB_FRAME: {
        if (!this.members.has(from.port)) {
          if (this.members.size >= HUB_MAX_MEMBERS) return;
        }
        this.members.set(from.port, now); // sending a frame also registers
        for (const port of this.members.keys()) {
          if (port !== from.port && !boundedSend(this.socket, this.counter, data, port)) this.dropped++;
        }
        return;
      }
    }
  }

  private expire(): void {
    const now = performance.now();
    for (const [port, seen] of this.members) {
      if (now - seen > HUB_MEMBER_TIMEOUT_MS) this.members.delete(port);
    }
  }
}

/** Relays this process holds, by hub port. */
const relays = new Map<number, HubRelay>();

/** The refusal for two hub names that share a port. */
function collision(name: string, port: number, other: string): HostError {
  return new HostError(
    `hub ${name}: its UDP port ${port} is taken by hub ${JSON.stringify(other)} (the names share a port; choose another name)`,
  );
}

/** Becomes the relay of hub `name` on `port` if nobody is; true when this process now relays it. */
async function claimRelay(port: number, name: string): Promise<boolean> {
  let relay = relays.get(port);
  if (relay !== undefined && relay.name !== name) throw collision(name, port, relay.name);
  if (relay === undefined) {
    let socket: Socket;
    try {
      socket = await bindSocket(port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
      throw error;
    }
    // Another attachment of this process may have claimed it while we waited.
    relay = relays.get(port);
    if (relay !== undefined) {
      socket.close();
      if (relay.name !== name) throw collision(name, port, relay.name);
    } else {
      relay = new HubRelay(socket, port, name);
      relays.set(port, relay);
    }
  }
  relay.refs++;
  return true;
}

function releaseRelay(port: number): void {
  const relay = relays.get(port);
  if (relay === undefined) return;
  if (--relay.refs > 0) return;
  relays.delete(port);
  relay.close();
}

/** One member of a hub: a `NetAttachment` with its own socket. */
class HubMember implements NetAttachment {
  readonly hub: string;
  readonly mac: Uint8Array;
  private listener: ((frame: Uint8Array) => void) | undefined;
  private readonly counter = { pending: 0 };
  private dropCount = 0;
  private relaying = false;
  private closed = false;
  private welcomed: ((hub: string) => void) | undefined;
  private readonly hello: Uint8Array;
  private readonly keepalive: ReturnType<typeof setInterval>;

  constructor(
    name: string,
    private readonly socket: Socket,
    private readonly port: number,
    mac: Uint8Array,
  ) {
    this.hub = name;
    this.mac = mac;
    this.hello = encodeDatagram(HUB_HELLO, new TextEncoder().encode(name));
    socket.on('message', (data: Buffer, from: RemoteInfo) => this.receive(data, from));
    socket.on('error', () => {}); // the hub went away: the next keepalive finds a new one
    this.keepalive = setInterval(() => void this.tick(), HUB_KEEPALIVE_MS);
    this.keepalive.unref();
  }

  get dropped(): number {
    return this.dropCount;
  }

  /** Claims the relay if free, says HELLO and waits for the WELCOME. */
  async join(): Promise<void> {
    this.relaying = await claimRelay(this.port, this.hub);
    const welcome = new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), WELCOME_TIMEOUT_MS);
      this.welcomed = (hub) => {
        clearTimeout(timer);
        resolve(hub);
      };
    });
    this.sayHello();
    const hub = await welcome;
    if (hub === undefined) {
      throw new HostError(
        `hub ${this.hub}: UDP port ${this.port} on ${LOOPBACK} is in use by something that is not an hvkit hub`,
      );
    }
    if (hub !== this.hub) throw collision(this.hub, this.port, hub);
  }

  send(frame: Uint8Array): void {
    if (this.closed) return;
    if (frame.length < HUB_MIN_FRAME || frame.length > HUB_MAX_FRAME) {
      this.dropCount++;
      return;
    }
    if (!boundedSend(this.socket, this.counter, encodeDatagram(HUB_FRAME, frame), this.port))
      this.dropCount++;
  }

  onReceive(listener: (frame: Uint8Array) => void): void {
    this.listener = listener;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    this.welcomed = undefined;
    this.listener = undefined;
    try {
      this.socket.send(encodeDatagram(HUB_BYE), this.port, LOOPBACK, () => this.socket.close());
    } catch {
      this.socket.close();
    }
    if (this.relaying) releaseRelay(this.port);
    this.relaying = false;
  }

  private sayHello(): void {
    boundedSend(this.socket, this.counter, this.hello, this.port);
  }

  /** Keepalive: take over the relay if its process left, then say HELLO. */
  private async tick(): Promise<void> {
    if (!this.relaying) {
      try {
        this.relaying = await claimRelay(this.port, this.hub);
      } catch {}
      if (this.closed && this.relaying) {
        releaseRelay(this.port);
        this.relaying = false;
      }
    }
    if (!this.closed) this.sayHello();
  }

  private receive(data: Buffer, from: RemoteInfo): void {
    if (from.address !== LOOPBACK || from.port !== this.port) return;
    const datagram = decodeDatagram(data);
    if (datagram === undefined) return;
    if (datagram.type === HUB_WELCOME) {
      this.welcomed?.(new TextDecoder().decode(datagram.payload));
      this.welcomed = undefined;
    } else if (datagram.type === HUB_FRAME) {
      // A fresh copy: the listener may keep it, and Buffers can share a pool.
      this.listener?.(new Uint8Array(datagram.payload));
    }
  }
}

/** Attaches a new member to the hub `name` on this host (see `HostOs.attachNet`). */
export async function attachHub(name: string, options: HubOptions = {}): Promise<NetAttachment> {
  if (!HUB_NAME_PATTERN.test(name)) {
    throw new HostError(`hub name ${JSON.stringify(name)}: use 1 to 64 letters, digits, '.', '_' or '-'`);
  }
  const mac = options.mac ?? randomMac();
  if (mac.length !== 6) throw new HostError(`hub ${name}: a MAC address has 6 bytes, not ${mac.length}`);
  const port = options.port ?? hubPort(name);
  const socket = await bindSocket(0);
  const member = new HubMember(name, socket, port, Uint8Array.from(mac));
  try {
    await member.join();
  } catch (error) {
    member.close();
    throw error;
  }
  return member;
}
