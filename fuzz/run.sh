#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60) with cargo-fuzz
# (libFuzzer, nightly toolchain; debug assertions on, so an arithmetic overflow
# is a finding too; no sanitizer: golive has no unsafe code, and it runs about
# three times faster), starting from corpora seeded from the
# fixtures. Crashes land in fuzz/artifacts/<target>/; the script exits 1 if any
# target found one. Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(release markdown email pages)

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

# Seed corpora: the fixtures' release files and runbooks; for the structured
# targets (email, pages) one input per base release of the example site.
seed() {
  local target="$1" dir="corpus/$1"
  mkdir -p "$dir"
  case "$target" in
    release) cp ../content/releases/*.yaml ../tests/fixtures/*/content/releases/*.yaml "$dir"/ ;;
    markdown) cp ../content/runbooks/*.md ../tests/fixtures/*/content/runbooks/*.md "$dir"/ 2>/dev/null || true ;;
    email|pages) for base in 0 1 2; do printf "\\x0$base" > "$dir/base-$base"; done ;;
  esac
  if [ -d "seeds/$target" ]; then cp seeds/"$target"/* "$dir"/ 2>/dev/null || true; fi
}

cargo +nightly fuzz build -O -a -s none >/dev/null
status=0
for target in "${targets[@]}"; do
  seed "$target"
  mkdir -p "artifacts/$target"
  log="artifacts/$target.log"
  echo "== $target: ${seconds}s"
  if cargo +nightly fuzz run -O -a -s none "$target" "corpus/$target" -- \
      -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      >"$log" 2>&1; then
    :
  else
    status=1
  fi
  # A target that did not build or start has no statistics: say so, go on.
  execs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  if [ -z "$execs" ]; then
    echo "   did not run: see fuzz/$log"
    status=1
    continue
  fi
  crashes=$(find "artifacts/$target" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \) | wc -l)
  echo "   executions ${execs:-?}, ${cov:-cov: ?}, findings $crashes (log: fuzz/$log)"
  [ "$crashes" -eq 0 ] || status=1
done
exit $status
