/* fail.elf: checks the failure path of the SiFive test finisher. Prints one line
 * and writes 0x3333 | (3 << 16) to 0x100000; QEMU exits with status 3 and hvkit
 * must report a failure with code 3. */
#include "lib.h"

int main(u64 hartid, u64 dtb) {
  (void)hartid;
  (void)dtb;
  puts("fail: exiting with code 3\n");
  exit(3);
}
