// Public face of @hvkit/cli: the `hvkit` command as a function, for tests and embedders.
export { EXIT_INTERNAL, EXIT_TIMEOUT, EXIT_USAGE, UsageError } from './errors.js';
export { type CliIo, internalError, main, VERSION } from './main.js';
export { exitStatus, type RunFlags, runCommand } from './run.js';
export { parseSeconds, parseSize } from './size.js';
export {
  ESCAPE_HELP,
  type InputStream,
  type OutputStream,
  StdioConsole,
  type StdioConsoleOptions,
} from './terminal.js';
