#!/usr/bin/env bash
# Regenerates the committed reference vectors (../*.txt) from real RISC-V FP instructions.
#
# Needs a RISC-V cross compiler and a RISC-V implementation to run on; on Debian:
#   apt-get install -y gcc-riscv64-linux-gnu qemu-user
#
# Usage: gen.sh [OUTDIR [SCALE [SEED]]]
#   OUTDIR defaults to the vectors directory; SCALE (default 1) multiplies the random
#   inputs, e.g. `gen.sh /tmp/fpvec 100` for a large one-off run checked with
#   HVKIT_FPU_VECTORS=/tmp/fpvec (see ../../vectors.test.ts).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/..}"
scale="${2:-1}"
seed="${3:-0x5eed}"
cc="${CC:-riscv64-linux-gnu-gcc}"
run="${RUN:-qemu-riscv64}"
bin="$(mktemp -d)/fpgen"
"$cc" -O2 -static -march=rv64gc -mabi=lp64d -Wall -Wextra -o "$bin" "$here/fpgen.c"
mkdir -p "$out"
"$run" "$bin" "$out" "$scale" "$seed"
rm -rf "$(dirname "$bin")"
du -ch "$out"/*.txt | tail -1
