/* echo.elf: checks UART receive. Polls LSR.DR, collects a line (terminated by
 * '\r' or '\n'; a '\n' right after '\r' is ignored; lines longer than 127 bytes
 * are cut), and prints it back as "echo: <line>\n". A line "quit" prints
 * "echo: bye" and exits through the finisher with 0x5555. Output newlines are
 * sent as "\r\n". Input bytes are not echoed while typing. */
#include "lib.h"

static int streq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

int main(u64 hartid, u64 dtb) {
  (void)hartid;
  (void)dtb;
  char line[128];
  int n = 0, last = 0;
  puts("echo: ready\n");
  for (;;) {
    int c = uart_getc();
    if (c == '\n' && last == '\r') {
      last = c;
      continue;
    }
    last = c;
    if (c == '\r' || c == '\n') {
      line[n] = 0;
      if (streq(line, "quit")) {
        puts("echo: bye\n");
        return 0;
      }
      puts("echo: ");
      puts(line);
      putch('\n');
      n = 0;
    } else if (n < (int)sizeof line - 1) {
      line[n++] = (char)c;
    }
  }
}
