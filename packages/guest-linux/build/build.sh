#!/usr/bin/env bash
# Build the hvkit guest Linux image: images/Image (+ Image.sha256, BUILD-INFO, config).
#
#   packages/guest-linux/build/build.sh [--out DIR] [--jobs N] [--keep]
#
# Inputs, all from Debian 12 (bookworm) packages; this script installs nothing:
#   linux-source-6.1       /usr/src/linux-source-6.1.tar.xz (kernel and nolibc)
#   gcc-riscv64-linux-gnu  the cross compiler (and binutils-riscv64-linux-gnu)
#   gcc, libc6-dev, make, flex, bison, bc, xz-utils   kernel build host tools
#
# Steps: unpack the kernel source into a scratch directory, build the
# initramfs's /init from ../initramfs/*.c against the tree's own
# tools/include/nolibc, configure (tinyconfig + hvkit.config), build
# arch/riscv/boot/Image, and copy the results to --out (default ../images).
#
# The build is reproducible: same Debian package versions in, same Image
# bytes out (fixed SOURCE_DATE_EPOCH, build user/host/version, file mtimes).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pkg=$(cd "$here/.." && pwd)

out="$pkg/images"
jobs=2
keep=0
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
cross=riscv64-linux-gnu-

usage() {
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --jobs|-j) jobs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "build.sh: unknown argument: $1" >&2; usage 2 ;;
  esac
done

# --- reproducibility knobs -----------------------------------------------------
# 2025-01-01T00:00:00Z. Changing it changes the Image bytes (uname -v, cpio mtimes).
export SOURCE_DATE_EPOCH=1735689600
export LC_ALL=C TZ=UTC
export KBUILD_BUILD_TIMESTAMP
KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$SOURCE_DATE_EPOCH")
export KBUILD_BUILD_USER=hvkit KBUILD_BUILD_HOST=hvkit KBUILD_BUILD_VERSION=1
unset KCONFIG_CONFIG KBUILD_OUTPUT LOCALVERSION ARCH CROSS_COMPILE || true

log() { printf '[build.sh] %s\n' "$*" >&2; }
die() { printf '[build.sh] error: %s\n' "$*" >&2; exit 1; }

# --- check for tools -----------------------------------------------------------
missing=()
need() { # need COMMAND DEBIAN-PACKAGE
  command -v "$1" >/dev/null 2>&1 || missing+=("$2 (for $1)")
}
need "${cross}gcc" gcc-riscv64-linux-gnu
need "${cross}ld" binutils-riscv64-linux-gnu
need "${cross}objcopy" binutils-riscv64-linux-gnu
need gcc gcc
need make make
need flex flex
need bison bison
need bc bc
need xz xz-utils
need tar tar
need sha256sum coreutils
[ -e /usr/include/stdio.h ] || missing+=("libc6-dev (host headers for kernel build tools)")
[ -f "$tarball" ] || missing+=("linux-source-6.1 (for $tarball)")
if [ ${#missing[@]} -gt 0 ]; then
  log "missing build dependencies:"
  printf '  %s\n' "${missing[@]}" >&2
  log "on Debian 12: apt-get install -y linux-source-6.1 gcc-riscv64-linux-gnu gcc libc6-dev make flex bison bc xz-utils"
  exit 1
fi

# --- scratch tree ----------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/hvkit-guest-linux.XXXXXX")
cleanup() {
  if [ "$keep" = 1 ]; then log "kept scratch tree: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

start=$(date +%s)
log "unpacking $tarball"
mkdir -p "$work/linux"
tar -xf "$tarball" -C "$work/linux" --strip-components=1
ksrc="$work/linux"

kversion=$(make -s -C "$ksrc" kernelversion)
case "$kversion" in
  6.1.*) ;;
  *) die "expected a 6.1.y kernel in $tarball, found $kversion" ;;
esac
log "kernel $kversion"

kmake() {
  make -C "$ksrc" ARCH=riscv CROSS_COMPILE="$cross" "$@"
}

# --- configuration ---------------------------------------------------------------
# tinyconfig, then our fragment, then olddefconfig to settle dependencies.
log "configuring: tinyconfig + build/hvkit.config"
kmake -s tinyconfig >/dev/null
{
  (cd "$ksrc" && ARCH=riscv CROSS_COMPILE="$cross" scripts/kconfig/merge_config.sh -m .config "$here/hvkit.config") &&
    kmake -s olddefconfig
} > "$work/config.log" 2>&1 || { cat "$work/config.log" >&2; die "configuration failed"; }

# Every line of the fragment must survive olddefconfig: a silently dropped
# option (unmet dependency, renamed symbol) would otherwise go unnoticed.
bad=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*) sym=${line%%=*} ;;
    "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
    *) continue ;;
  esac
  got=$(grep -E "^($sym=|# $sym is not set)" "$ksrc/.config" || true)
  if [ "$got" != "$line" ] && ! { [ -z "$got" ] && [ "${line:0:1}" = "#" ]; }; then
    log "config: wanted '$line', got '${got:-<absent>}'"
    bad=1
  fi
done < "$here/hvkit.config"
[ "$bad" = 0 ] || die "build/hvkit.config does not apply cleanly to $kversion"

# --- initramfs: /init built with the tree's nolibc ---------------------------------
log "building /init with tools/include/nolibc"
kmake -s headers >/dev/null # UAPI headers into $ksrc/usr/include, for nolibc
gcc_include=$("${cross}gcc" -print-file-name=include)
init_bin="$ksrc/usr/hvkit-init"
"${cross}gcc" \
  -Os -march=rv64imac -mabi=lp64 \
  -static -nostdlib -nostdinc -isystem "$gcc_include" \
  -I "$ksrc/tools/include/nolibc" -I "$ksrc/usr/include" \
  -fno-asynchronous-unwind-tables -fno-ident -fno-stack-protector \
  -fno-tree-loop-distribute-patterns \
  -ffunction-sections -fdata-sections -Wl,--gc-sections -Wl,--build-id=none -s \
  -Wall -Wextra -Werror "-ffile-prefix-map=$pkg/=" \
  -o "$init_bin" \
  "$pkg/initramfs/init.c" "$pkg/initramfs/shell.c" "$pkg/initramfs/lib.c"
touch -d "@$SOURCE_DATE_EPOCH" "$init_bin" # cpio records file mtimes

# Paths are relative to the kernel tree, matching CONFIG_INITRAMFS_SOURCE.
cat > "$ksrc/usr/hvkit-initramfs.list" <<'EOF'
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /mnt 0755 0 0
dir /tmp 1777 0 0
file /init usr/hvkit-init 0755 0 0
EOF

# --- kernel ------------------------------------------------------------------------
log "building arch/riscv/boot/Image with -j$jobs (takes minutes)"
kmake -j"$jobs" Image > "$work/kernel-build.log" 2>&1 || {
  tail -n 40 "$work/kernel-build.log" >&2
  die "kernel build failed (full log: $work/kernel-build.log; rerun with --keep to inspect)"
}

# --- results -------------------------------------------------------------------------
mkdir -p "$out"
install -m 0644 "$ksrc/arch/riscv/boot/Image" "$out/Image"
install -m 0644 "$ksrc/.config" "$out/config"
(cd "$out" && sha256sum Image > Image.sha256)

image_sha=$(cut -d' ' -f1 "$out/Image.sha256")
config_sha=$(sha256sum < "$out/config" | cut -d' ' -f1)
fragment_sha=$(sha256sum < "$here/hvkit.config" | cut -d' ' -f1)
init_sha=$(sha256sum < "$init_bin" | cut -d' ' -f1)
init_src_sha=$(cd "$pkg" && sha256sum initramfs/* | sha256sum | cut -d' ' -f1)
srcpkg=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
gccpkg=$(dpkg-query -W -f='${Version}' gcc-12-riscv64-linux-gnu 2>/dev/null || echo unknown)
binutilspkg=$(dpkg-query -W -f='${Version}' binutils-riscv64-linux-gnu 2>/dev/null || echo unknown)
# Kernel build records: "riscv64-linux-gnu-gcc (Debian 12.2.0-13) 12.2.0, GNU ld (...) 2.40"
compiler=$(sed -n 's/^#define LINUX_COMPILER[[:space:]]*"\(.*\)"$/\1/p' "$ksrc/include/generated/compile.h")

cat > "$out/BUILD-INFO" <<EOF
# hvkit guest-linux build record, written by build/build.sh. Reproducible:
# nothing here depends on the build machine's clock, user or paths.
kernel:             Linux $kversion (riscv64)
kernel-source:      Debian linux-source-6.1 $srcpkg
compiler:           $compiler
compiler-packages:  Debian gcc-12-riscv64-linux-gnu $gccpkg, binutils-riscv64-linux-gnu $binutilspkg
build-timestamp:    $KBUILD_BUILD_TIMESTAMP (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)
build-user-host:    $KBUILD_BUILD_USER@$KBUILD_BUILD_HOST
config:             tinyconfig + build/hvkit.config (full result in images/config)
config-sha256:      $config_sha
fragment-sha256:    $fragment_sha
init-src-sha256:    $init_src_sha
init-sha256:        $init_sha
image-bytes:        $(stat -c %s "$out/Image")
image-sha256:       $image_sha
EOF

log "done in $(( $(date +%s) - start ))s: $out/Image ($(stat -c %s "$out/Image") bytes, sha256 $image_sha)"
