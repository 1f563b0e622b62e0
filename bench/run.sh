#!/usr/bin/env bash
# Benchmark golive builds on generated sites; prints a Markdown table.
#
#   bash bench/run.sh [N ...]        default: 100 1000 10000
#
# For each N: a deterministic corpus (examples/gen_corpus.rs); RUNS cold builds,
# each into a new, empty output folder; the floor (examples/floor.rs writes the
# identical tree into a new folder); RUNS unchanged rebuilds; RUNS rebuilds after
# editing one release. Figures are medians. Wall, CPU (user+sys) and peak RSS come
# from GNU time. Every run writes to a fresh folder and nothing is deleted until
# the end: on disks mounted with `discard`, deleting a large tree slows the
# writes that follow for many seconds. Last, `golive serve` on the same site:
# how long from the write of a release file until the server has rebuilt
# (examples/serve_latency.rs, median of 9 edits).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-3}"
WORK="${BENCH_DIR:-/tmp/golive-bench}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)

command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
cargo build --release -q --bin golive --example gen_corpus --example floor --example serve_latency
GOLIVE="$PWD/target/release/golive"
rm -rf "$WORK"; mkdir -p "$WORK"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# timed LABEL CMD...: runs CMD under GNU time, appends "wall cpu rss_mib" to $WORK/LABEL.
timed() {
  local label="$1"; shift
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" "$@" >"$WORK/out" 2>&1
  awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' "$WORK/t" >>"$WORK/$label"
}
col() { awk -v c="$2" '{print $c}' "$WORK/$1" | median; }

echo "| releases | measure | wall s | CPU s | peak RSS MiB | notes |"
echo "| ---: | --- | ---: | ---: | ---: | --- |"
for n in "${sizes[@]}"; do
  site="$WORK/site-$n"
  ./target/release/examples/gen_corpus "$n" "$site" >/dev/null
  # One untimed build first: the timed runs should not pay for reading the
  # corpus from disk or for the virtual machine handing this process fresh memory.
  "$GOLIVE" --root "$site" --quiet build --out "$WORK/warm-$n"
  for run in $(seq "$RUNS"); do
    timed "cold-$n" "$GOLIVE" --root "$site" build --out "$WORK/out-$n-$run"
  done
  summary=$(cat "$WORK/out")
  files=$(find "$WORK/out-$n-1" -type f | wc -l)
  bytes=$(du -sb "$WORK/out-$n-1" | cut -f1)
  pages=$(echo "$summary" | sed -n 's/.*: \([0-9]*\) pages.*/\1/p')
  for run in $(seq "$RUNS"); do
    sync
    ms=$(./target/release/examples/floor "$WORK/out-$n-1" "$WORK/floor-$n-$run" | sed -n 's/.* in \([0-9]*\) ms/\1/p')
    echo "$ms" | awk '{printf "%.2f 0 0\n", $1 / 1000}' >>"$WORK/floor-$n"
  done
  for run in $(seq "$RUNS"); do
    timed "nochange-$n" "$GOLIVE" --root "$site" build --out "$WORK/out-$n-1"
  done
  edited=$(ls "$site/content/releases" | sed -n 1p)
  for run in $(seq "$RUNS"); do
    sed -i "s/^title: \"\(.*\)\"$/title: \"\1 (edit $run)\"/" "$site/content/releases/$edited"
    timed "edit-$n" "$GOLIVE" --root "$site" build --out "$WORK/out-$n-1"
  done
  cold=$(col "cold-$n" 1); floor=$(col "floor-$n" 1)
  ratio=$(awk -v a="$cold" -v b="$floor" 'BEGIN {printf "%.2f", a / b}')
  rate=$(awk -v p="$pages" -v w="$cold" 'BEGIN {printf "%.0f", p / w}')
  per=$(awk -v w="$cold" -v n="$n" 'BEGIN {printf "%.2f", 1000 * w / n}')
  echo "| $n | cold build | $cold | $(col "cold-$n" 2) | $(col "cold-$n" 3) | $files files, $((bytes / 1048576)) MiB; $pages pages, $rate pages/s; $per ms per release; $ratio × floor |"
  echo "| $n | floor (same tree) | $floor | | | plain program writing the identical files |"
  echo "| $n | unchanged rebuild | $(col "nochange-$n" 1) | $(col "nochange-$n" 2) | $(col "nochange-$n" 3) | |"
  echo "| $n | one release edited | $(col "edit-$n" 1) | $(col "edit-$n" 2) | $(col "edit-$n" 3) | |"
  serve=$(./target/release/examples/serve_latency "$GOLIVE" "$site" 9 "$WORK/serve-$n" 2>/dev/null | sed -n 's/^median \([0-9.]*\) ms.*/\1/p')
  echo "| $n | serve: edit to rebuilt | $(awk -v ms="$serve" 'BEGIN {printf "%.3f", ms / 1000}') | | | median of 9 edits, from the file write to the new pages |"
done
rm -rf "$WORK" &
