#!/usr/bin/env bash
# Rebuild the guests of @hvkit/hypervisor-type2's tests with the Debian bare-metal
# toolchain (gcc-riscv64-unknown-elf), on the runtime of tests/guests (crt0, lib,
# link script), with the same deterministic flags as tests/guests/build.sh.
#
#   packages/hypervisor-type2/guests/build.sh      # writes guests/*.elf
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RT=$(cd "$HERE/../../../tests/guests" && pwd)
CC=${CC:-riscv64-unknown-elf-gcc}
export LC_ALL=C SOURCE_DATE_EPOCH=0

CFLAGS=(
  -O2 -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
  -nostdlib -nostartfiles -ffreestanding -fno-builtin -static
  -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables
  -Wall -Wextra -Werror -g0 -I "$RT/src"
  "-ffile-prefix-map=$HERE/=" "-ffile-prefix-map=$RT/="
  -Wl,--build-id=none -Wl,--no-warn-rwx-segments
)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for prog in net-hello; do
  objs=()
  for src in "$RT/src/crt0.S" "$RT/src/lib.c" "$HERE/$prog.c"; do
    obj=$(basename "${src%.*}").o
    "$CC" "${CFLAGS[@]}" -c -o "$WORK/$obj" "$src"
    objs+=("$obj")
  done
  (cd "$WORK" && "$CC" "${CFLAGS[@]}" -T "$RT/link.ld" -o "$HERE/$prog.elf" "${objs[@]}")
  echo "built $prog.elf"
done
