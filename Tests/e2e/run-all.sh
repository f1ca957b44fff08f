#!/usr/bin/env bash
# Runs every end-to-end check of the built binary; prints "e2e: N passed, M failed".
set -u
bin=$(realpath "${1:?usage: run-all.sh path/to/dcgan-smiles}")
here=$(dirname "$0")
passed=0; failed=0
for check in "$here"/check-*.sh; do
  name=$(basename "$check" .sh)
  if bash "$check" "$bin"; then
    echo "e2e: $name ok"; passed=$((passed + 1))
  else
    echo "e2e: $name FAILED"; failed=$((failed + 1))
  fi
done
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
