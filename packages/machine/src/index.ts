// Public face of @hvkit/machine: the virt board recipe, image loaders, the device tree writer and the run loop.
export * from './dtb/index.js';
export * from './elf/index.js';
export { ConfigError, ImageError, InputError } from './errors.js';
export * from './virt/index.js';
