/** Exit status for bad input: an unknown flag, a bad size, a missing or unloadable kernel. */
export const EXIT_USAGE = 2;
/** Exit status when the run timed out (as coreutils `timeout`). */
export const EXIT_TIMEOUT = 124;
/** Exit status for a bug in hvkit (sysexits.h EX_SOFTWARE), distinct from every guest status. */
export const EXIT_INTERNAL = 70;

/** Bad command-line input: printed as one `hvkit: <message>` line, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
