/**
 * NS16550A register offsets and bits (National Semiconductor PC16550D datasheet,
 * "Register Description"; QEMU hw/char/serial.c is the behavioural reference).
 */

/** Receiver Buffer Register (read, DLAB=0). */
export const RBR_OFFSET = 0;
/** Transmitter Holding Register (write, DLAB=0). */
export const THR_OFFSET = 0;
/** Divisor Latch LSB (DLAB=1). */
export const DLL_OFFSET = 0;
/** Interrupt Enable Register (DLAB=0). */
export const IER_OFFSET = 1;
/** Divisor Latch MSB (DLAB=1). */
export const DLM_OFFSET = 1;
/** Interrupt Identification Register (read). */
export const IIR_OFFSET = 2;
/** FIFO Control Register (write). */
export const FCR_OFFSET = 2;
/** Line Control Register. */
export const LCR_OFFSET = 3;
/** Modem Control Register. */
export const MCR_OFFSET = 4;
/** Line Status Register (read-only). */
export const LSR_OFFSET = 5;
/** Modem Status Register (read-only). */
export const MSR_OFFSET = 6;
/** Scratch Register. */
export const SCR_OFFSET = 7;

/** IER bit 0: Enable Received Data Available interrupt (ERBFI; also the character timeout). */
export const IER_RDA = 0x01;
/** IER bit 1: Enable Transmitter Holding Register Empty interrupt (ETBEI). */
export const IER_THRE = 0x02;
/** IER bit 2: Enable Receiver Line Status interrupt (ELSI). */
export const IER_RLS = 0x04;
/** IER bit 3: Enable Modem Status interrupt (EDSSI). */
export const IER_MS = 0x08;

/** IIR bit 0 set: no interrupt pending. */
export const IIR_NO_INT = 0x01;
/** IIR id: receiver line status (highest priority). */
export const IIR_RLS = 0x06;
/** IIR id: received data available (FIFO at or above its trigger level). */
export const IIR_RDA = 0x04;
/** IIR id: character timeout (data below the trigger level waiting in the FIFO). */
export const IIR_CTI = 0x0c;
/** IIR id: transmitter holding register empty. */
export const IIR_THRE = 0x02;
/** IIR id: modem status (lowest priority). */
export const IIR_MS = 0x00;
/** IIR bits 7:6: both set when the FIFOs are enabled (16550A). */
export const IIR_FIFO_ENABLED = 0xc0;

/** FCR bit 0: FIFO enable. */
export const FCR_FIFO_ENABLE = 0x01;
/** FCR bit 1: clear the receiver FIFO (self-clearing). */
export const FCR_RX_RESET = 0x02;
/** FCR bit 2: clear the transmitter FIFO (self-clearing). */
export const FCR_TX_RESET = 0x04;
/** FCR bit 3: DMA mode select (stored, no effect). */
export const FCR_DMA_MODE = 0x08;
/** FCR bits 7:6: receiver FIFO trigger level (1, 4, 8, 14 bytes). */
export const FCR_RX_TRIGGER = 0xc0;

/** LCR bit 7: Divisor Latch Access Bit. */
export const LCR_DLAB = 0x80;

/** MCR bit 0: Data Terminal Ready. */
export const MCR_DTR = 0x01;
/** MCR bit 1: Request To Send. */
export const MCR_RTS = 0x02;
/** MCR bit 2: OUT1. */
export const MCR_OUT1 = 0x04;
/** MCR bit 3: OUT2 (gates the interrupt on PCs; QEMU resets it set). */
export const MCR_OUT2 = 0x08;
/** MCR bit 4: local loopback. */
export const MCR_LOOP = 0x10;

/** LSR bit 0: Data Ready. */
export const LSR_DATA_READY = 0x01;
/** LSR bit 1: Overrun Error. */
export const LSR_OVERRUN_ERROR = 0x02;
/** LSR bit 2: Parity Error (never set here). */
export const LSR_PARITY_ERROR = 0x04;
/** LSR bit 3: Framing Error (never set here). */
export const LSR_FRAMING_ERROR = 0x08;
/** LSR bit 4: Break Interrupt (never set here). */
export const LSR_BREAK_INTERRUPT = 0x10;
/** LSR bit 5: Transmitter Holding Register Empty. */
export const LSR_THR_EMPTY = 0x20;
/** LSR bit 6: Transmitter Empty (THR and shift register both empty). */
export const LSR_TRANSMITTER_EMPTY = 0x40;

/** MSR bit 0: Delta Clear To Send. */
export const MSR_DCTS = 0x01;
/** MSR bit 1: Delta Data Set Ready. */
export const MSR_DDSR = 0x02;
/** MSR bit 2: Trailing Edge Ring Indicator. */
export const MSR_TERI = 0x04;
/** MSR bit 3: Delta Data Carrier Detect. */
export const MSR_DDCD = 0x08;
/** MSR bit 4: Clear To Send. */
export const MSR_CTS = 0x10;
/** MSR bit 5: Data Set Ready. */
export const MSR_DSR = 0x20;
/** MSR bit 6: Ring Indicator. */
export const MSR_RI = 0x40;
/** MSR bit 7: Data Carrier Detect. */
export const MSR_DCD = 0x80;

/** Depth of the 16550A receive and transmit FIFOs. */
export const UART_FIFO_SIZE = 16;
