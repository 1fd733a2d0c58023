// The console on stdio now lives in the Node adapter of the type-2 hypervisor; the CLI re-exports it.
export {
  ESCAPE_HELP,
  type InputStream,
  type OutputStream,
  StdioConsole,
  type StdioConsoleOptions,
} from '@hvkit/hypervisor-type2/node';
