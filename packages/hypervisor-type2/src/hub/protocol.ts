/*
 * The hvkit hub protocol: Ethernet frames between VMs on one host, carried in UDP
 * datagrams on 127.0.0.1 (the Node adapter; see README "Hub protocol").
 *
 * Every datagram starts with an 8-byte header:
 *
 *   offset 0  4 bytes  magic "HVKH" (0x48 0x56 0x4b 0x48)
 *   offset 4  1 byte   version, 1
 *   offset 5  1 byte   type: 1 HELLO, 2 FRAME, 3 BYE, 4 WELCOME
 *   offset 6  2 bytes  reserved, 0
 *   offset 8  ...      FRAME: one Ethernet frame (destination MAC first, no FCS)
 *                      HELLO, WELCOME: the hub's name (UTF-8)
 *
 * The hub of NAME listens on 127.0.0.1:hubPort(NAME). A member sends HELLO with
 * NAME from its own socket (and again every second as a keepalive); the hub answers
 * WELCOME with its own name and, if the names match, remembers the sender. Names
 * share the 10,000 ports, so two can meet on one port: the member sees the other name
 * in the WELCOME and refuses to join, instead of mixing the two hubs' traffic. A FRAME from a member goes to every other member, as an
 * Ethernet hub repeats a frame on every other port. BYE leaves at once; a member
 * silent for 10 s is forgotten. Datagrams that are not from 127.0.0.1, too short,
 * of another magic or version, or of an unknown type are dropped.
 */

/** The four magic bytes, "HVKH". */
export const HUB_MAGIC = 0x48564b48;
/** Protocol version carried in byte 4. */
export const HUB_VERSION = 1;
/** Bytes of the datagram header. */
export const HUB_HEADER_SIZE = 8;
/** Datagram type: a member joins, or says it is still there. */
export const HUB_HELLO = 1;
/** Datagram type: an Ethernet frame. */
export const HUB_FRAME = 2;
/** Datagram type: a member leaves. */
export const HUB_BYE = 3;
/** Datagram type: the hub's answer to HELLO. */
export const HUB_WELCOME = 4;
/** Largest UDP payload over IPv4 (65535 - 20 bytes of IP header - 8 of UDP). */
export const UDP_MAX_PAYLOAD = 65507;
/** Largest Ethernet frame the hub carries: what fits in one datagram after the header. */
export const HUB_MAX_FRAME = UDP_MAX_PAYLOAD - HUB_HEADER_SIZE;
/** Smallest frame relayed: an Ethernet header (destination, source, EtherType). */
export const HUB_MIN_FRAME = 14;
/** First port of the range hub ports are taken from (below Linux's ephemeral range). */
export const HUB_PORT_BASE = 20000;
/** Number of ports in that range. */
export const HUB_PORT_SPAN = 10000;
/** Members a hub serves at most; HELLOs beyond are ignored. */
export const HUB_MAX_MEMBERS = 64;
/** Members say HELLO this often (ms). */
export const HUB_KEEPALIVE_MS = 1000;
/** A member silent this long (ms) is forgotten. */
export const HUB_MEMBER_TIMEOUT_MS = 10_000;

/** The well-known UDP port of hub `name`: HUB_PORT_BASE + FNV-1a(name) mod HUB_PORT_SPAN. */
export function hubPort(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return HUB_PORT_BASE + (hash % HUB_PORT_SPAN);
}

/** Builds a datagram of `type` around `payload` (a FRAME's Ethernet frame, a HELLO's or WELCOME's hub name). */
export function encodeDatagram(type: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const datagram = new Uint8Array(HUB_HEADER_SIZE + payload.length);
  const view = new DataView(datagram.buffer);
  view.setUint32(0, HUB_MAGIC);
  datagram[4] = HUB_VERSION;
  datagram[5] = type;
  datagram.set(payload, HUB_HEADER_SIZE);
  return datagram;
}

/** A datagram's type and payload (a view into it), or undefined when it is not a valid hub datagram. */
export function decodeDatagram(datagram: Uint8Array): { type: number; payload: Uint8Array } | undefined {
  if (datagram.length < HUB_HEADER_SIZE) return undefined;
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.length);
  if (view.getUint32(0) !== HUB_MAGIC || datagram[4] !== HUB_VERSION) return undefined;
  const type = datagram[5]!;
  const payload = datagram.subarray(HUB_HEADER_SIZE);
  switch (type) {
    case HUB_FRAME:
      if (payload.length < HUB_MIN_FRAME || payload.length > HUB_MAX_FRAME) return undefined;
      return { type, payload };
    case HUB_HELLO:
    case HUB_BYE:
    case HUB_WELCOME:
      return { type, payload };
    default:
      return undefined;
  }
}

/** A random locally administered, unicast MAC address in QEMU's 52:54:00 block. */
export function randomMac(): Uint8Array {
  const mac = new Uint8Array([0x52, 0x54, 0x00, 0, 0, 0]);
  globalThis.crypto.getRandomValues(mac.subarray(3));
  return mac;
}
