/**
 * A problem with what the caller asked for (a bad image, an impossible board
 * configuration), as opposed to a bug in hvkit. The message is one line, written
 * for the person who chose the input; front ends print it as is.
 */
export class InputError extends Error {
  override readonly name: string = 'InputError';
}

/** The kernel or firmware image cannot be loaded: not an ELF, wrong machine, does not fit in RAM. */
export class ImageError extends InputError {
  override readonly name = 'ImageError';
}

/** The board options are impossible: memory size, hart count, firmware choice. */
export class ConfigError extends InputError {
  override readonly name = 'ConfigError';
}
