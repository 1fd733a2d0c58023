export * from './constants.js';
export { NO_SBI_EVENTS, SbiCallCounter, type SbiEvents, type SbiExtensionName } from './events.js';
export { SbiFirmware, type SbiFirmwareOptions } from './firmware.js';
export type { HsmState, SbiHart, SbiPlatform, SystemResetReason, SystemResetType } from './platform.js';
