/* net-hello.elf: two of these on one hvkit hub greet each other over virtio-net.
 *
 * Finds the virtio-net device (virtio-mmio version 2, device ID 1) among the virt
 * board's eight slots, negotiates VIRTIO_F_VERSION_1 and VIRTIO_NET_F_MAC, posts
 * eight receive buffers, then every 50 ms (CLINT mtime, 10 MHz) broadcasts an
 * Ethernet frame (EtherType 0x88b5, "local experimental") carrying
 * "hello from <its MAC>". Prints "net: mac <MAC>" at start and, for the first
 * hello it receives from another MAC, "net: got hello from <MAC>"; then sends five
 * more hellos (so a slower peer hears it too) and exits with 0 through the
 * finisher. Exits with 2 when there is no net device, 3 when nobody answers within
 * 30 s of guest time, 4 when the device refuses the features. Polled, M-mode, no
 * interrupts. Built by build.sh with the runtime of tests/guests. */
#include "lib.h"

typedef unsigned short u16;

#define SLOT(i) (0x10001000ul + (u64)(i) * 0x1000ul)
#define REG(base, off) (*(volatile u32 *)((base) + (off)))
#define MTIME (*(volatile u64 *)0x0200bff8ul)

enum {
  MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008,
  DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014,
  DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024,
  QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044,
  QUEUE_NOTIFY = 0x050, STATUS = 0x070,
  QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084,
  QUEUE_DRIVER_LOW = 0x090, QUEUE_DRIVER_HIGH = 0x094,
  QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4,
  CONFIG = 0x100,
};
enum { S_ACKNOWLEDGE = 1, S_DRIVER = 2, S_DRIVER_OK = 4, S_FEATURES_OK = 8 };
enum { QN = 8, HDR = 12, BUF = 2048, DESC_F_WRITE = 2 };

struct desc { u64 addr; u32 len; u16 flags; u16 next; };
struct avail { u16 flags; u16 idx; u16 ring[QN]; u16 used_event; };
struct used_elem { u32 id; u32 len; };
struct used { u16 flags; u16 idx; struct used_elem ring[QN]; u16 avail_event; };
struct vq {
  struct desc desc[QN] __attribute__((aligned(16)));
  struct avail avail __attribute__((aligned(4)));
  struct used used __attribute__((aligned(4)));
  u16 last_used;
};

static struct vq rxq __attribute__((aligned(4096)));
static struct vq txq __attribute__((aligned(4096)));
static u8 rxbuf[QN][BUF] __attribute__((aligned(16)));
static u8 txbuf[BUF] __attribute__((aligned(16)));
static u8 mac[6];
static u64 dev;

static void put_mac(const u8 *m) {
  const char *hex = "0123456789abcdef";
  for (int i = 0; i < 6; i++) {
    if (i) putch(':');
    putch(hex[m[i] >> 4]);
    putch(hex[m[i] & 15]);
  }
}

static void setup_queue(int q, struct vq *vq) {
  REG(dev, QUEUE_SEL) = q;
  REG(dev, QUEUE_NUM) = QN;
  REG(dev, QUEUE_DESC_LOW) = (u32)(u64)vq->desc;
  REG(dev, QUEUE_DESC_HIGH) = (u32)((u64)vq->desc >> 32);
  REG(dev, QUEUE_DRIVER_LOW) = (u32)(u64)&vq->avail;
  REG(dev, QUEUE_DRIVER_HIGH) = (u32)((u64)&vq->avail >> 32);
  REG(dev, QUEUE_DEVICE_LOW) = (u32)(u64)&vq->used;
  REG(dev, QUEUE_DEVICE_HIGH) = (u32)((u64)&vq->used >> 32);
  REG(dev, QUEUE_READY) = 1;
}

/* Makes descriptor `d` available on `vq` and tells the device (queue `q`). */
static void offer(struct vq *vq, int q, u16 d) {
  vq->avail.ring[vq->avail.idx % QN] = d;
  __sync_synchronize();
  vq->avail.idx++;
  __sync_synchronize();
  REG(dev, QUEUE_NOTIFY) = q;
}

static void send_hello(void) {
  static const char text[] = "hello from ";
  u8 *f = txbuf + HDR;
  memset(txbuf, 0, HDR);
  for (int i = 0; i < 6; i++) f[i] = 0xff, f[6 + i] = mac[i];
  f[12] = 0x88, f[13] = 0xb5;
  int n = 14;
  for (int i = 0; text[i]; i++) f[n++] = (u8)text[i];
  for (int i = 0; i < 6; i++) f[n++] = mac[i];
  while (n < 60) f[n++] = 0; /* minimum Ethernet frame */
  txq.desc[0].addr = (u64)txbuf;
  txq.desc[0].len = HDR + n;
  txq.desc[0].flags = 0;
  u16 before = txq.used.idx;
  offer(&txq, 1, 0);
  while (*(volatile u16 *)&txq.used.idx == before) {
  }
}

/* Checks one received frame; returns 1 for the first hello from someone else. */
static int hello_from_peer(const u8 *f, u32 len) {
  static const char text[] = "hello from ";
  if (len < 14 + 11 + 6 || f[12] != 0x88 || f[13] != 0xb5) return 0;
  for (int i = 0; text[i]; i++)
    if (f[14 + i] != (u8)text[i]) return 0;
  const u8 *who = f + 14 + 11;
  int self = 1;
  for (int i = 0; i < 6; i++) self &= who[i] == mac[i];
  if (self) return 0;
  puts("net: got hello from ");
  put_mac(who);
  putch('\n');
  return 1;
}

int main(u64 hartid, u64 dtb) {
  (void)hartid;
  (void)dtb;
  for (int i = 0; i < 8 && !dev; i++) {
    u64 base = SLOT(i);
    if (REG(base, MAGIC) == 0x74726976 && REG(base, VERSION) == 2 && REG(base, DEVICE_ID) == 1) dev = base;
  }
  if (!dev) {
    puts("net: no virtio-net device\n");
    return 2;
  }
  REG(dev, STATUS) = 0;
  REG(dev, STATUS) = S_ACKNOWLEDGE | S_DRIVER;
  REG(dev, DEVICE_FEATURES_SEL) = 0;
  u32 low = REG(dev, DEVICE_FEATURES);
  REG(dev, DEVICE_FEATURES_SEL) = 1;
  u32 high = REG(dev, DEVICE_FEATURES);
  if (!(low & (1u << 5)) || !(high & 1u)) return 4;
  REG(dev, DRIVER_FEATURES_SEL) = 0;
  REG(dev, DRIVER_FEATURES) = 1u << 5; /* VIRTIO_NET_F_MAC */
  REG(dev, DRIVER_FEATURES_SEL) = 1;
  REG(dev, DRIVER_FEATURES) = 1u; /* VIRTIO_F_VERSION_1 */
  REG(dev, STATUS) = S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK;
  if (!(REG(dev, STATUS) & S_FEATURES_OK)) return 4;
  setup_queue(0, &rxq);
  setup_queue(1, &txq);
  for (int i = 0; i < 6; i++) mac[i] = *(volatile u8 *)(dev + CONFIG + i);
  REG(dev, STATUS) = S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK;
  puts("net: mac ");
  put_mac(mac);
  putch('\n');

  for (u16 i = 0; i < QN; i++) {
    rxq.desc[i].addr = (u64)rxbuf[i];
    rxq.desc[i].len = BUF;
    rxq.desc[i].flags = DESC_F_WRITE;
    offer(&rxq, 0, i);
  }

  u64 start = MTIME, next = start;
  int extra = -1;
  for (;;) {
    u64 now = MTIME;
    if (now >= next) {
      send_hello();
      next = now + 500000; /* 50 ms */
      if (extra > 0 && --extra == 0) return 0;
    }
    while (*(volatile u16 *)&rxq.used.idx != rxq.last_used) {
      __sync_synchronize();
      struct used_elem e = rxq.used.ring[rxq.last_used % QN];
      rxq.last_used++;
      if (extra < 0 && e.len > HDR && hello_from_peer(rxbuf[e.id] + HDR, e.len - HDR)) extra = 5;
      offer(&rxq, 0, (u16)e.id);
    }
    if (extra < 0 && now - start > 300000000ul) {
      puts("net: nobody answered\n");
      return 3;
    }
  }
}
