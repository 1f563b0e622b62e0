#!/usr/bin/env bash
# Two golive binaries side by side: cold builds of the same generated corpus,
# interleaved (old, new, old, new, ...), each into a new folder; medians of 3.
#
#   bash bench/ab.sh N OLD_GOLIVE NEW_GOLIVE
#
# Needs GNU time and `cargo build --release --example gen_corpus`.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
n=$1; old=$2; new=$3; work=${BENCH_DIR:-/tmp/golive-ab}-$n
rm -rf "$work"; mkdir -p "$work"
"$repo/target/release/examples/gen_corpus" "$n" "$work/site" >/dev/null
for run in 1 2 3; do
  for which in old new; do
    bin=$old; [ "$which" = new ] && bin=$new
    sync
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$bin" --quiet --root "$work/site" build --out "$work/out-$which-$run" >/dev/null 2>&1
    awk -v w="$which" '{printf "%s %.2f %.2f %.0f\n", w, $1, $2+$3, $4/1024}' "$work/t" >>"$work/results"
  done
done
for which in old new; do
  grep "^$which " "$work/results" | sort -k2 -g |
    awk -v w="$which" 'NR==2{print w, "median wall", $2, "s, CPU", $3, "s, peak RSS", $4, "MiB"}'
done
for which in old new; do
  echo "$which: $(find "$work/out-$which-1" -type f | wc -l) files, $(find "$work/out-$which-1" -name '*.html' | wc -l) HTML"
done
rm -rf "$work"/out-*
