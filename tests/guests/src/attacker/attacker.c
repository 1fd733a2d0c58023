/* attacker: a guest that looks for ways out of its partition. Run it with 64 MiB
 * of RAM and one vCPU. It reads, writes and jumps to guest-physical addresses the
 * table does not give it (other guests' RAM would be past its own, the hypervisor's
 * below or beside it, the board's CLINT and unassigned MMIO), reaches past its RAM
 * through its own page tables (a leaf pointing outside, a table placed outside), and
 * tries the hypervisor's CSRs and instructions, and asks SBI to touch memory and harts
 * that are not its own. Every attempt must fail;
 * it prints one line per probe and a summary, then powers off through the finisher
 * (pass when nothing escaped).
 *   attacker: probe load 0x0000000084000000: blocked (cause 5)
 *   attacker: 48 probes, 0 escapes
 */
#include "../lib.h"

extern u64 probe_load(u64 addr);
extern void probe_store(u64 addr, u64 value);
extern void probe_fetch(u64 addr);
extern volatile u64 trap_save[4];

#define RAM_BASE 0x80000000ul
#define RAM_SIZE (64ul << 20)

static int probes, escapes;

static void verdict(const char *what, u64 addr, u64 want_cause) {
  u64 cause = trap_save[1];
  probes++;
  puts("attacker: probe ");
  puts(what);
  putch(' ');
  put_hex(addr);
  if (cause == want_cause) {
    puts(": blocked (cause ");
    put_dec((long)cause);
    puts(")\n");
  } else {
    escapes++;
    puts(": ESCAPED (cause ");
    put_dec((long)cause);
    puts(")\n");
  }
}

static void try_load(u64 addr) {
  probe_load(addr);
  verdict("load", addr, 5);
}

static void try_store(u64 addr) {
  probe_store(addr, 0x6b6b6b6b6b6b6b6bul);
  verdict("store", addr, 7);
}

static void try_fetch(u64 addr) {
  probe_fetch(addr);
  verdict("fetch", addr, 1);
}

struct sbiret { long error; long value; };

static struct sbiret sbi(u64 eid, u64 fid, u64 a0, u64 a1, u64 a2) {
  register u64 r0 __asm__("a0") = a0;
  register u64 r1 __asm__("a1") = a1;
  register u64 r2 __asm__("a2") = a2;
  register u64 r6 __asm__("a6") = fid;
  register u64 r7 __asm__("a7") = eid;
  __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
  return (struct sbiret){(long)r0, (long)r1};
}

/* An SBI call that must fail with an error (any negative value). */
static void try_sbi(const char *what, struct sbiret r) {
  probes++;
  puts("attacker: probe sbi ");
  puts(what);
  if (r.error < 0) {
    puts(": refused (error ");
    put_dec(r.error);
    puts(")\n");
  } else {
    escapes++;
    puts(": ESCAPED (error 0)\n");
  }
}

/* Sv39 root table for the page-table probes. */
static u64 root[512] __attribute__((aligned(4096)));

#define PTE_V 1ul
#define PTE_R 2ul
#define PTE_W 4ul
#define PTE_X 8ul
#define PTE_A 64ul
#define PTE_D 128ul
#define LEAF(pa, perm) ((((pa) >> 12) << 10) | (perm) | PTE_V | PTE_A | PTE_D)

int main(u64 hartid, u64 dtb) {
  (void)hartid;
  (void)dtb;
  puts("attacker: looking for a way out\n");
  const u64 ram_end = RAM_BASE + RAM_SIZE;
  /* Past its RAM (where the next guest's RAM would be if the map were flat), far past it, below it. */
  const u64 outside[] = {ram_end, ram_end + (64ul << 20), RAM_BASE + (512ul << 20), 0x100000000ul,
                         0x1fffffff000ul, RAM_BASE - 0x1000, 0x0, 0x1000};
  for (unsigned i = 0; i < sizeof outside / sizeof outside[0]; i++) {
    try_load(outside[i]);
    try_store(outside[i]);
  }
  /* The board's CLINT (another hart's MSIP, mtimecmp), unassigned MMIO, the pages beside its devices. */
  const u64 mmio[] = {0x2000004ul, 0x2004000ul, 0x3000000ul, 0x10000100ul, 0x10009000ul, 0x20000000ul, 0x30000000ul};
  for (unsigned i = 0; i < sizeof mmio / sizeof mmio[0]; i++) {
    try_load(mmio[i]);
    try_store(mmio[i]);
  }
  try_fetch(ram_end);
  try_fetch(0x2000000ul);

  /* Its own page tables: VA 0xc0000000 -> PA 0x1_0000_0000 (outside), VA 0x40000000 -> a table outside RAM. */
  root[0] = LEAF(0x0ul, PTE_R | PTE_W);                    /* MMIO (UART, finisher) identity */
  root[2] = LEAF(RAM_BASE, PTE_R | PTE_W | PTE_X);         /* RAM identity */
  root[3] = LEAF(0x100000000ul, PTE_R | PTE_W);            /* an escape, if the G-stage let it */
  root[1] = ((ram_end + (16ul << 20)) >> 12) << 10 | PTE_V; /* next-level table outside RAM */
  __asm__ volatile("sfence.vma\n csrw satp, %0\n sfence.vma" : : "r"((8ul << 60) | ((u64)root >> 12)) : "memory");
  try_load(0xc0000000ul);
  try_store(0xc0000000ul);
  try_load(0x40000000ul);
  __asm__ volatile("csrw satp, zero\n sfence.vma" : : : "memory");

  /* The hypervisor's and the firmware's controls: H and M CSRs, H instructions (all illegal in VS-mode). */
  u64 v = 0;
  trap_save[1] = 0;
  __asm__ volatile("csrr %0, 0x680" : "=r"(v)); /* hgatp */
  verdict("csr read hgatp", 0x680, 2);
  trap_save[1] = 0;
  __asm__ volatile("csrw 0x680, zero"); /* hgatp: paging off for itself, identity to the whole board */
  verdict("csr write hgatp", 0x680, 2);
  trap_save[1] = 0;
  __asm__ volatile("csrr %0, 0x600" : "=r"(v)); /* hstatus */
  verdict("csr read hstatus", 0x600, 2);
  trap_save[1] = 0;
  __asm__ volatile("csrr %0, 0x300" : "=r"(v)); /* mstatus */
  verdict("csr read mstatus", 0x300, 2);
  trap_save[1] = 0;
  __asm__ volatile("mv a0, %0\n .4byte 0x6c054573" : : "r"(ram_end) : "a0", "memory"); /* hlv.d a0, (a0) */
  verdict("hlv.d", ram_end, 2);
  trap_save[1] = 0;
  __asm__ volatile(".4byte 0x62000073" : : : "memory"); /* hfence.gvma */
  verdict("hfence.gvma", 0, 2);
  (void)v;

  /* SBI: memory outside its RAM, harts that are not its own. */
  try_sbi("dbcn write outside RAM", sbi(0x4442434e, 0, 16, ram_end, 0));
  try_sbi("dbcn write across RAM end", sbi(0x4442434e, 0, 16, ram_end - 8, 0));
  try_sbi("dbcn read into hypervisor", sbi(0x4442434e, 1, 16, RAM_BASE - 0x1000, 0));
  try_sbi("hsm start hart 1", sbi(0x48534d, 0, 1, RAM_BASE + 0x200000, 0));
  try_sbi("hsm status hart 2", sbi(0x48534d, 2, 2, 0, 0));
  try_sbi("ipi harts 1-3", sbi(0x735049, 0, 0xe, 0, 0));
  try_sbi("rfence harts 1-3", sbi(0x52464e43, 0, 0xe, 0, 0));

  puts("attacker: ");
  put_dec(probes);
  puts(" probes, ");
  put_dec(escapes);
  puts(" escapes\n");
  return escapes == 0 ? 0 : 1;
}
