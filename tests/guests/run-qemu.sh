#!/usr/bin/env bash
# Run every guest image on QEMU's virt board and check it:
#   qemu-system-riscv64 -M virt -cpu rv64,h=true -bios none -kernel X.elf -nographic -serial mon:stdio
# C programs: expected exit status (the SiFive test finisher's code) and output
# lines; ISA tests (isa-*.elf): exit status 0 and "isa: PASS" on the UART (on
# QEMU they end through the finisher right after writing tohost).
# Exits non-zero if any image fails; skips visibly when QEMU is absent.
#
#   tests/guests/run-qemu.sh              # all images
#   tests/guests/run-qemu.sh hello demo   # some images (names without .elf)
#   QEMU_TIMEOUT=30 tests/guests/run-qemu.sh
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QEMU=${QEMU:-qemu-system-riscv64}
TIMEOUT=${QEMU_TIMEOUT:-20}
IMAGES=${GUEST_IMAGES:-$HERE/images}

if ! command -v "$QEMU" >/dev/null 2>&1; then
  echo "tests/guests/run-qemu.sh: skipped: $QEMU not installed"
  echo "  (Debian/Ubuntu: apt-get install qemu-system-misc)"
  exit 0
fi

# run NAME EXPECTED_STATUS STDIN EXPECTED_LINE...
pass=0
failed=()
run() {
  local name=$1 want=$2 input=$3
  shift 3
  local out status
  out=$(printf '%b' "$input" | timeout "$TIMEOUT" "$QEMU" -M virt -cpu rv64,h=true -bios none \
    -kernel "$IMAGES/$name.elf" -nographic -serial mon:stdio 2>&1)
  status=$?
  local why=""
  if [[ $status -eq 124 ]]; then
    why="timed out after ${TIMEOUT}s"
  elif [[ $status -ne $want ]]; then
    why="exit status $status, expected $want"
  else
    local line
    for line in "$@"; do
      if ! grep -qF -- "$line" <<<"${out//$'\r'/}"; then
        why="output lacks \"$line\""
        break
      fi
    done
  fi
  if [[ -z $why ]]; then
    printf 'PASS  %-18s (exit %d)\n' "$name" "$status"
    pass=$((pass + 1))
  else
    printf 'FAIL  %-18s %s\n' "$name" "$why"
    sed 's/^/      | /' <<<"$out" | tail -n 20
    failed+=("$name")
  fi
}

want() { [[ ${#SELECT[@]} -eq 0 ]] || [[ " ${SELECT[*]} " == *" $1 "* ]]; }
SELECT=("$@")

want hello && run hello 0 "" "Hello from hvkit!" "hart 0" "goodbye"
want demo && run demo 0 "" "=== hvkit demo ===" "primes below 100: 2 3 5 7" "(25 primes)" "demo: done"
want echo && run echo 0 "hello hvkit\nsecond line\r\nquit\n" \
  "echo: ready" "echo: hello hvkit" "echo: second line" "echo: bye"
want fail && run fail 3 "" "fail: exiting with code 3"
for f in "$IMAGES"/isa-*.elf; do
  name=$(basename "$f" .elf)
  want "$name" && run "$name" 0 "" "isa: PASS"
done

echo "run-qemu.sh: $pass passed, ${#failed[@]} failed ($("$QEMU" --version | head -n1))"
if [[ ${#failed[@]} -ne 0 ]]; then
  echo "failed: ${failed[*]}"
  exit 1
fi
