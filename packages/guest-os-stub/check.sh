#!/usr/bin/env bash
# Check that images/ (and the embedded src/image.ts) are exactly what build/build.sh
# produces from src/os. Skips visibly when riscv64-unknown-elf-gcc is not installed.
set -euo pipefail
PKG=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CC=${CC:-riscv64-unknown-elf-gcc}
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "packages/guest-os-stub/check.sh: skipped: riscv64-unknown-elf-gcc not installed"
  exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$PKG/build/build.sh" "$TMP" >/dev/null
status=0
if ! cmp -s "$TMP/os-stub.elf" "$PKG/images/os-stub.elf"; then
  echo "DIFFERS  packages/guest-os-stub/images/os-stub.elf"
  status=1
fi
if ! grep -qF "'$(base64 -w0 "$PKG/images/os-stub.elf")'" "$PKG/src/image.ts"; then
  echo "DIFFERS  packages/guest-os-stub/src/image.ts does not embed images/os-stub.elf"
  status=1
fi
if [[ $status -ne 0 ]]; then
  echo "packages/guest-os-stub/check.sh: FAILED: run build/build.sh and commit images/ and src/image.ts."
  cmp -s "$TMP/TOOLCHAIN" "$PKG/images/TOOLCHAIN" || echo "  (toolchain differs: $(tr '\n' ';' <"$TMP/TOOLCHAIN"))"
  exit 1
fi
echo "packages/guest-os-stub/check.sh: OK: os-stub.elf matches its sources ($(head -n1 "$TMP/TOOLCHAIN"))"
