#!/usr/bin/env bash
# Check the committed kernel image in packages/guest-linux/images/.
#
#   build/check.sh             fast: Image matches Image.sha256 and BUILD-INFO,
#                              and carries the RISC-V Image header magic
#   build/check.sh --rebuild   also rebuild from source with build.sh (minutes)
#                              and require byte-identical output
#
# Exits 1 with a clear message on any mismatch. --rebuild skips visibly (exit 0)
# when the build dependencies are not installed.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
images=$(cd "$here/../images" && pwd)
rebuild=0
case "${1:-}" in
  --rebuild) rebuild=1 ;;
  "") ;;
  *) echo "usage: build/check.sh [--rebuild]" >&2; exit 2 ;;
esac

fail() {
  echo "guest-linux check.sh: FAILED: $*" >&2
  exit 1
}

for f in Image Image.sha256 BUILD-INFO config; do
  [ -f "$images/$f" ] || fail "images/$f is missing (run build/build.sh)"
done

(cd "$images" && sha256sum --quiet -c Image.sha256) || fail "images/Image does not match images/Image.sha256"
sha=$(cut -d' ' -f1 "$images/Image.sha256")
grep -qx "image-sha256: *$sha" "$images/BUILD-INFO" || fail "images/BUILD-INFO records a different image-sha256"
config_sha=$(sha256sum < "$images/config" | cut -d' ' -f1)
grep -qx "config-sha256: *$config_sha" "$images/BUILD-INFO" || fail "images/config does not match BUILD-INFO's config-sha256"
fragment_sha=$(sha256sum < "$here/hvkit.config" | cut -d' ' -f1)
grep -qx "fragment-sha256: *$fragment_sha" "$images/BUILD-INFO" ||
  fail "build/hvkit.config changed since images/Image was built (run build/build.sh)"
init_src_sha=$(cd "$here/.." && sha256sum initramfs/* | sha256sum | cut -d' ' -f1)
grep -qx "init-src-sha256: *$init_src_sha" "$images/BUILD-INFO" ||
  fail "initramfs/ sources changed since images/Image was built (run build/build.sh)"
# "RISCV\0\0\0" at offset 48 and "RSC\x05" at 56 (Documentation/riscv/boot-image-header.rst).
magic=$(od -An -tx1 -j48 -N12 "$images/Image" | tr -d ' \n')
[ "$magic" = "524953435600000052534305" ] || fail "images/Image lacks the RISC-V Image header magic"
echo "guest-linux check.sh: OK: images/Image ($(stat -c %s "$images/Image") bytes) matches Image.sha256 and BUILD-INFO"

[ "$rebuild" = 1 ] || exit 0

for tool in riscv64-linux-gnu-gcc make flex bison bc; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "guest-linux check.sh: rebuild skipped: $tool not installed (see build/build.sh)"
    exit 0
  fi
done
if [ ! -f /usr/src/linux-source-6.1.tar.xz ]; then
  echo "guest-linux check.sh: rebuild skipped: linux-source-6.1 not installed"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "guest-linux check.sh: rebuilding from source (several minutes)..."
"$here/build.sh" --out "$tmp" 2> "$tmp/build.log" || { cat "$tmp/build.log" >&2; fail "build.sh failed"; }
status=0
for f in Image config BUILD-INFO; do
  if ! cmp -s "$tmp/$f" "$images/$f"; then
    echo "DIFFERS  images/$f" >&2
    status=1
  fi
done
if [ "$status" != 0 ]; then
  diff "$images/BUILD-INFO" "$tmp/BUILD-INFO" >&2 || true
  fail "a rebuild does not reproduce the committed files. Same bytes are only expected with the
  linux-source-6.1 and cross-toolchain versions recorded in images/BUILD-INFO; if those
  changed on purpose, run build/build.sh and commit images/."
fi
echo "guest-linux check.sh: OK: a rebuild from source reproduces images/ byte for byte"
