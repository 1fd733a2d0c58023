/* hello.elf: the smallest useful guest. Checks that the board boots a kernel at
 * 0x80000000 in M-mode with a0 = hartid and a1 = DTB pointer, that the NS16550A
 * UART transmits, and that the SiFive test finisher powers off with 0x5555
 * (exit status 0). Output:
 *   Hello from hvkit!
 *   hart 0, dtb 0x...
 *   misa 0x...
 *   goodbye
 */
#include "lib.h"

int main(u64 hartid, u64 dtb) {
  u64 misa;
  __asm__ volatile("csrr %0, misa" : "=r"(misa));
  puts("Hello from hvkit!\n");
  puts("hart ");
  put_dec((long)hartid);
  puts(", dtb ");
  put_hex(dtb);
  puts("\nmisa ");
  put_hex(misa);
  puts("\ngoodbye\n");
  return 0;
}
