#!/usr/bin/env node
// The `hvkit` command. All logic lives in main.ts so tests can call it in-process;
// this file only binds it to the real process.
import { internalError, main } from './main.js';

/** Exit status when stdout's reader went away (as if killed by SIGPIPE, 128 + 13). */
const EXIT_BROKEN_PIPE = 141;

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

// Catch everything at the top: a closed stdout pipe (`hvkit run ... | head`) ends the
// run quietly, and anything else that escapes still prints one line, not a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  process.exit(error.code === 'EPIPE' ? EXIT_BROKEN_PIPE : internalError(error, io));
});
process.on('uncaughtException', (error) => process.exit(internalError(error, io)));
process.on('unhandledRejection', (error) => process.exit(internalError(error, io)));

let status: number;
try {
  status = await main(process.argv.slice(2), io);
} catch (error) {
  status = internalError(error, io);
}
// Exit now: stdin may still hold the event loop open. stdout and stderr writes to
// files, pipes and terminals are synchronous on Linux, so nothing is lost.
process.exit(status);
