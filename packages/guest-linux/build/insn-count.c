/* SPDX-License-Identifier: MIT */
/*
 * A QEMU TCG plugin that counts guest instructions while booting the hvkit
 * guest Linux, split by where they run:
 *
 *   firmware  0x00000000..0x0000ffff (QEMU's reset ROM) and
 *             0x80000000..0x801fffff (QEMU's OpenSBI, M-mode)
 *   kernel    0x80200000..0x8fffffff (kernel before the MMU is on) and the
 *             kernel's virtual addresses (0xff.. upper half)
 *   user      0x00010000..0x7fffffff (/init)
 *
 * It prints one line when the first user-mode instruction runs (the kernel
 * has finished booting and executes /init) and one when QEMU exits.
 * Used by measure-boot.sh; needs only the qemu-system-riscv64 binary, which
 * exports the plugin API (QEMU 7.2: API version 1). The few declarations
 * below are that API's, written out because Debian ships no qemu-plugin.h.
 *
 * Counts are exact for -smp 1. With more harts the inline adds race, so the
 * totals are approximate.
 */
#include <stdint.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  void (*cb)(unsigned int vcpu, void *userdata),
					  enum qemu_plugin_cb_flags flags, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, void *),
				    void *userdata);
void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t firmware, kernel, user;
static int user_seen;

static void report(const char *when)
{
	char line[200];

	snprintf(line, sizeof(line),
		 "insn-count: %s: total %llu (firmware %llu, kernel %llu, user %llu)\n", when,
		 (unsigned long long)(firmware + kernel + user), (unsigned long long)firmware,
		 (unsigned long long)kernel, (unsigned long long)user);
	qemu_plugin_outs(line);
}

static void first_user_tb(unsigned int vcpu, void *userdata)
{
	(void)vcpu;
	(void)userdata;
	if (!user_seen) {
		user_seen = 1;
		report("first user instruction");
	}
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t va = qemu_plugin_tb_vaddr(tb);
	uint64_t *bucket;

	(void)id;
	if (va >= 0xff00000000000000ull || (va >= 0x80200000ull && va < 0x90000000ull))
		bucket = &kernel;
	else if (va < 0x10000ull || (va >= 0x80000000ull && va < 0x80200000ull))
		bucket = &firmware;
	else
		bucket = &user;
	if (bucket == &user && !user_seen)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, first_user_tb, QEMU_PLUGIN_CB_NO_REGS, NULL);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, bucket,
						 qemu_plugin_tb_n_insns(tb));
}

static void on_exit(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
	report("exit");
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const void *info,
								int argc, char **argv)
{
	(void)info;
	(void)argc;
	(void)argv;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit, NULL);
	return 0;
}
