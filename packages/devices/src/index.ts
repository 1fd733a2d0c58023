export * from './bus/bus.js';
export * from './clint/clint.js';
export * from './plic/plic.js';
export * from './ram/ram.js';
export * from './rtc/goldfish-rtc.js';
export * from './sifive-test/sifive-test.js';
export * from './uart/ns16550a.js';
export * from './uart/registers.js';
