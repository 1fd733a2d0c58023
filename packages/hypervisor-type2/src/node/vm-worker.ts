// Entry of a Node worker thread that runs one VM (started by worker-thread.ts).
import { parentPort } from 'node:worker_threads';
import type { FromVmThread, ToVmThread } from '../protocol.js';
import { runVmThread } from '../vm-thread.js';
import { nodeClock } from './clock.js';
import { FileDisk } from './disk.js';

const port = parentPort;
if (port === null) throw new Error('vm-worker must run in a worker thread');

runVmThread(
  {
    post: (message: FromVmThread, transfer: readonly ArrayBuffer[] = []) =>
      port.postMessage(message, transfer as ArrayBuffer[]),
    onMessage: (listener: (message: ToVmThread) => void) => port.on('message', listener),
  },
  {
    clock: nodeClock,
    openDisk(handle) {
      if (handle.kind !== 'fd')
        throw new Error(`the Node VM thread cannot open a ${handle.kind} disk itself`);
      return new FileDisk(handle);
    },
  },
);
