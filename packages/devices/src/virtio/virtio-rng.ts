/*
 * virtio-rng (virtio 1.x, 5.4 "Entropy Device"): one request queue whose
 * device-writable buffers are filled with random bytes from an injected source;
 * the default is the Web Crypto `crypto.getRandomValues` (a global in Node 20 and
 * browsers, no Node module).
 *
 * What a hostile guest can do: ask for as many random bytes as it likes, but each
 * request is filled with at most `maxRequestBytes` (64 KiB by default; the spec lets
 * the device use less than the buffer, 5.4.6.2), so one notification costs at most
 * queue size * 64 KiB of randomness. Device-readable buffers and chains outside RAM
 * are returned with length 0. Randomness goes through a private 4 KiB buffer, so
 * the source never sees guest memory (getRandomValues refuses shared memory) and
 * nothing is allocated per request. A source that throws yields length 0.
 */
import type { VirtioDevice, VirtioTransport } from './device.js';
import { VIRTIO_ID_RNG } from './registers.js';
import { CHAIN_OK } from './virtqueue.js';

/** Default cap on random bytes given per request. */
export const VIRTIO_RNG_MAX_REQUEST_BYTES = 0x1_0000;

const CHUNK = 4096;

/** Fills `dest` with random bytes, as `crypto.getRandomValues` does (at most 65536 bytes per call). */
export type RandomFill = (dest: Uint8Array) => void;

/** `crypto.getRandomValues` from the Web Crypto global. */
export const webCryptoFill: RandomFill = (dest) => {
  globalThis.crypto.getRandomValues(dest);
};

/** Construction options of `VirtioRng`. */
export interface VirtioRngOptions {
  /** Source of randomness; defaults to `webCryptoFill`. Inject a seeded one for deterministic runs. */
  readonly fill?: RandomFill;
  /** Largest number of bytes given per request (default 64 KiB). */
  readonly maxRequestBytes?: number;
  /** QueueNumMax of the request queue (power of two, default 64). */
  readonly queueSize?: number;
}

/** A virtio entropy device (ID 4). */
export class VirtioRng implements VirtioDevice {
  /** Device type 4: entropy source. */
  readonly deviceId = VIRTIO_ID_RNG;
  /** No device features are defined. */
  readonly features = 0n;
  /** One request queue. */
  readonly queueSizes: readonly number[];
  /** No configuration space. */
  readonly config = new Uint8Array(0);

  private readonly fill: RandomFill;
  private readonly maxRequestBytes: number;
  private readonly scratch = new Uint8Array(CHUNK);
  private transport: VirtioTransport | undefined;

  /** Creates an entropy device. */
  constructor(options: VirtioRngOptions = {}) {
    this.fill = options.fill ?? webCryptoFill;
    this.maxRequestBytes = options.maxRequestBytes ?? VIRTIO_RNG_MAX_REQUEST_BYTES;
    this.queueSizes = [options.queueSize ?? 64];
  }

  /** Called by the transport. */
  attach(transport: VirtioTransport): void {
    if (this.transport) throw new Error('virtio-rng: device is already attached to a transport');
    this.transport = transport;
  }

  /** Stateless between requests. */
  reset(): void {}

  /** Fills every available request. */
  notify(index: number): void {
    const t = this.transport;
    if (index !== 0 || !t) return;
    const q = t.queue(0);
    while (t.live) {
      const head = q.pop();
      if (head < 0) break;
      const c = q.chain;
      let pos = 0;
      if (c.fault === CHAIN_OK) {
        const want = Math.min(c.writableLength, this.maxRequestBytes);
        try {
          while (pos < want) {
            const n = Math.min(CHUNK, want - pos);
            this.fill(n === CHUNK ? this.scratch : this.scratch.subarray(0, n));
            pos += c.write(pos, this.scratch, 0, n);
          }
        } catch {
          pos = 0; // the source failed: report nothing rather than predictable bytes
        }
      }
      q.push(head, pos);
    }
    t.notifyUsed(q);
  }
}
