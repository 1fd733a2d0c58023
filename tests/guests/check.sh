#!/usr/bin/env bash
# Check that a guest folder's images/ is exactly what its build.sh produces from
# src/. Rebuilds every image into a temp dir and compares bytes; exits 1 with a
# clear message on any difference (or a missing / extra image). Exits 0 with a
# visible "skipped" line when riscv64-unknown-elf-gcc is not installed.
#   usage: check.sh [GUEST_DIR]    (default: the folder of this script, tests/guests)
set -euo pipefail

HERE=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")}" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAME=${HERE#"$ROOT"/}
CC=${CC:-riscv64-unknown-elf-gcc}

if ! command -v "$CC" >/dev/null 2>&1; then
  echo "$NAME/check.sh: skipped: riscv64-unknown-elf-gcc not installed"
  echo "  (Debian/Ubuntu: apt-get install gcc-riscv64-unknown-elf)"
  exit 0
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$HERE/build.sh" "$TMP" >/dev/null

status=0
for f in "$TMP"/*.elf; do
  name=$(basename "$f")
  if [[ ! -e $HERE/images/$name ]]; then
    echo "MISSING  $NAME/images/$name (build.sh produces it, it is not committed)"
    status=1
  elif ! cmp -s "$f" "$HERE/images/$name"; then
    echo "DIFFERS  $NAME/images/$name ($(cmp "$f" "$HERE/images/$name" 2>&1 | sed 's/.*differ: //'))"
    status=1
  fi
done
for f in "$HERE"/images/*.elf; do
  name=$(basename "$f")
  if [[ ! -e $TMP/$name ]]; then
    echo "EXTRA    $NAME/images/$name (build.sh does not produce it)"
    status=1
  fi
done

if [[ $status -ne 0 ]]; then
  echo
  echo "$NAME/check.sh: FAILED: the committed images do not match their sources."
  echo "  Run $NAME/build.sh and commit $NAME/images/."
  if ! cmp -s "$TMP/TOOLCHAIN" "$HERE/images/TOOLCHAIN"; then
    echo "  Note: the toolchain differs from the one the images were built with:"
    echo "    images/TOOLCHAIN: $(tr '\n' ';' <"$HERE/images/TOOLCHAIN" 2>/dev/null || echo none)"
    echo "    installed:        $(tr '\n' ';' <"$TMP/TOOLCHAIN")"
    echo "  Byte identity is only expected with the same compiler and binutils."
  fi
  exit 1
fi
echo "$NAME/check.sh: OK: $(ls "$HERE"/images/*.elf | wc -l) images match their sources ($(head -n1 "$TMP/TOOLCHAIN"))"
