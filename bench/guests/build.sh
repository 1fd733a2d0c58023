#!/usr/bin/env bash
# Rebuild the benchmark guest images from src/ with the Debian bare-metal
# toolchain (package gcc-riscv64-unknown-elf), deterministically, like
# tests/guests/build.sh: fixed flags, fixed link order, relative source paths,
# no debug info, no build id, so two runs (or two checkouts) give
# byte-identical ELF files.
#
# Each benchmark NAME gives two images: NAME.elf (full size, about 200 million
# instructions measured) and NAME-quick.elf (-DSCALE_DIV=10, a tenth of the
# repetitions; `pnpm bench --quick`).
#
#   bench/guests/build.sh            # writes bench/guests/images/*.elf
#   bench/guests/build.sh OUTDIR     # writes OUTDIR/*.elf (used by check.sh)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$HERE/images}
CC=${CC:-riscv64-unknown-elf-gcc}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

export LC_ALL=C SOURCE_DATE_EPOCH=0
cd "$HERE/src"

# rv64imac, -O2, bare metal (the ISA is what hvkit and QEMU both run; no F/D so
# the numbers measure the integer interpreter paths).
CFLAGS=(
  -O2 -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
  -nostdlib -nostartfiles -ffreestanding -fno-builtin -static
  -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables
  -Wall -Wextra -Werror -g0
  "-ffile-prefix-map=$HERE/=" "-ffile-prefix-map=$HERE="
  -Wl,--build-id=none -Wl,--no-warn-rwx-segments
)

# Objects are compiled into a scratch directory and linked from inside it with
# bare names (a temp path recorded as a FILE symbol would break reproducibility).
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
  (cd "$WORK" && "$CC" "${CFLAGS[@]}" -T "$HERE/${LDS:-link.ld}" -o "$OUT/$name.elf" "${objs[@]}")
  echo "built $name.elf"
}

# The benchmarks, in the order `pnpm bench` runs them (keep in sync with bench/rows.ts).
BENCHES=(sieve crc32 sort matmul interp strsearch)

for b in "${BENCHES[@]}"; do
  build "$b" -DSCALE_DIV=1 -- crt0.S lib.c "$b.c"
  build "$b-quick" -DSCALE_DIV=10 -- crt0.S lib.c "$b.c"
done

# S-mode builds of some of them (entered under SBI at 0x80200000): the type-1 vs
# type-2 rows of `pnpm bench` run the same image under both hypervisors.
SMODE_BENCHES=(crc32 sort)
for b in "${SMODE_BENCHES[@]}"; do
  LDS=link-s.ld build "$b-s" -DSMODE -DSCALE_DIV=1 -- crt0.S lib.c "$b.c"
  LDS=link-s.ld build "$b-s-quick" -DSMODE -DSCALE_DIV=10 -- crt0.S lib.c "$b.c"
done

# Record the toolchain: byte identity is only expected with the same versions.
{
  "$CC" --version | head -n1
  "${CC%gcc}as" --version | head -n1
} >"$OUT/TOOLCHAIN"
