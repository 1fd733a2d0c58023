#!/usr/bin/env bash
# Rebuild every guest image from src/ with the Debian bare-metal toolchain
# (package gcc-riscv64-unknown-elf). Deterministic: fixed flags, fixed link
# order, relative source paths, no debug info, no build id, so two runs (or two
# checkouts) give byte-identical ELF files.
#
#   tests/guests/build.sh            # writes tests/guests/images/*.elf
#   tests/guests/build.sh OUTDIR     # writes OUTDIR/*.elf (used by check.sh)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$HERE/images}
CC=${CC:-riscv64-unknown-elf-gcc}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

export LC_ALL=C SOURCE_DATE_EPOCH=0
cd "$HERE/src"

CFLAGS=(
  -O2 -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
  -nostdlib -nostartfiles -ffreestanding -fno-builtin -static
  -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables
  -Wall -Wextra -Werror -g0
  "-ffile-prefix-map=$HERE/=" "-ffile-prefix-map=$HERE="
  -Wl,--build-id=none -Wl,--no-warn-rwx-segments
)

# Objects are compiled into a scratch directory and linked from inside it with
# bare names: ld records an object's name as a FILE symbol when the object has
# none (assembly sources), and a temp path there would break reproducibility.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

build() { # build NAME extra-flags... -- sources...
  local name=$1
  shift
  local flags=()
  while [[ $1 != -- ]]; do
    flags+=("$1")
    shift
  done
  shift
  local objs=() src obj
  rm -f "$WORK"/*.o
  for src in "$@"; do
    obj=$(basename "${src%.*}").o
    "$CC" "${CFLAGS[@]}" "${flags[@]}" -c -o "$WORK/$obj" "$src"
    objs+=("$obj")
  done
  (cd "$WORK" && "$CC" "${CFLAGS[@]}" -T "${LD_SCRIPT:-$HERE/link.ld}" -o "$OUT/$name.elf" "${objs[@]}")
  echo "built $name.elf"
}

# C programs: crt0 first, then the runtime, then the program.
for prog in hello demo echo fail; do
  build "$prog" -- crt0.S lib.c "$prog.c"
done

# The attacker of the type-1 isolation tests: an S-mode kernel at 0x80200000 with its own entry.
LD_SCRIPT=$HERE/src/attacker/link.ld build attacker -- attacker/entry.S lib.c attacker/attacker.c

# ISA tests: the environment (env/p: M-mode, env/v: U-mode under an Sv39 S-mode
# kernel) first, then the test body.
for t in rv64i rv64m rv64a rv64c traps csr hyp; do
  build "isa-$t" -Iisa -Iisa/env/p -- isa/env/p/entry.S "isa/$t.S"
done
for t in rv64i rv64m rv64a rv64c; do
  build "isa-$t-v" -Iisa -Iisa/env/v -- isa/env/v/entry.S "isa/$t.S"
done
# F and D: the same environments built with the FP extensions (-march=rv64gc,
# still -mabi=lp64), which also makes them enable mstatus.FS (__riscv_flen).
for t in rv64f rv64d; do
  build "isa-$t" -march=rv64gc -Iisa -Iisa/env/p -- isa/env/p/entry.S "isa/$t.S"
  build "isa-$t-v" -march=rv64gc -Iisa -Iisa/env/v -- isa/env/v/entry.S "isa/$t.S"
done

# Record the toolchain: byte identity is only expected with the same versions.
{
  "$CC" --version | head -n1
  "${CC%gcc}as" --version | head -n1
} >"$OUT/TOOLCHAIN"
