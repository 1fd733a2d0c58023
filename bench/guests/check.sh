#!/usr/bin/env bash
# Check that bench/guests/images/ is exactly what build.sh produces from src/:
# the same check as the test guests', run on this folder.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../../tests/guests/check.sh" "$(dirname "${BASH_SOURCE[0]}")"
