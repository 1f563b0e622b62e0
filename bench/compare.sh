#!/usr/bin/env bash
# golive and Zola side by side on the same releases: pages per second.
#
#   ZOLA=/path/to/zola bash bench/compare.sh N        (RUNS=3 by default)
#
# Generates N releases (examples/gen_corpus.rs) and the same readiness content as
# one Markdown page per release for Zola (examples/zola_corpus.rs), then runs
# golive and Zola alternately, RUNS times each, every build into a new folder
# (nothing is deleted until the end: on a disk mounted with `discard`, deleting
# a large tree slows the writes that follow). Prints, per tool, the median wall
# time, CPU time (user + system), peak RSS, HTML pages and pages per second, and
# the ratio of golive's pages per second to Zola's.
#
# Zola is not on crates.io: build 0.22.1 from its source (git tag v0.22.1,
# `cargo build --release`) outside this project and point ZOLA at the binary.
# golive's pages are the site's HTML pages (email previews are not counted);
# Zola's are every HTML file it writes.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:?usage: ZOLA=/path/to/zola bash bench/compare.sh N}"
RUNS="${RUNS:-3}"
WORK="${BENCH_DIR:-/tmp/golive-compare}-$n"
: "${ZOLA:?set ZOLA to a zola 0.22.1 binary (built from source, see the comment at the top)}"
[ -x "$ZOLA" ] || { echo "ZOLA=$ZOLA is not an executable file" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }

cargo build --release -q --bin golive --example gen_corpus --example zola_corpus
GOLIVE="$PWD/target/release/golive"
rm -rf "$WORK"; mkdir -p "$WORK"
./target/release/examples/gen_corpus "$n" "$WORK/site" >/dev/null
./target/release/examples/zola_corpus "$WORK/site" "$WORK/zola" >/dev/null
echo "golive $("$GOLIVE" --version | head -1); $("$ZOLA" --version); $n releases; $RUNS runs each" >&2

# One untimed build of each first, so neither pays for reading its corpus from disk.
"$GOLIVE" --root "$WORK/site" --quiet build --out "$WORK/golive-warm" >/dev/null
"$ZOLA" --root "$WORK/zola" build --output-dir "$WORK/zola-warm" >/dev/null 2>&1

# timed TOOL CMD...: runs CMD under GNU time; appends "wall cpu rss_mib" to $WORK/times-TOOL.
timed() {
  local tool="$1"; shift
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" "$@" >"$WORK/log" 2>&1 ||
    { cat "$WORK/log" >&2; exit 1; }
  awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' "$WORK/t" >>"$WORK/times-$tool"
}
for run in $(seq "$RUNS"); do
  timed golive "$GOLIVE" --root "$WORK/site" --quiet build --out "$WORK/golive-$run"
  timed zola "$ZOLA" --root "$WORK/zola" build --output-dir "$WORK/zola-$run"
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v c="$2" '{print $c}' "$WORK/times-$1" | median; }
golive_pages=$(find "$WORK/golive-1" -name '*.html' -not -path '*/emails/*' | wc -l)
zola_pages=$(find "$WORK/zola-1" -name '*.html' | wc -l)

echo "| tool | wall s | CPU s | peak MiB | HTML pages | pages/s |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
row() {
  local tool="$1" pages="$2" wall
  wall=$(col "$tool" 1)
  printf "| %s | %s | %s | %s | %s | %.0f |\n" "$tool" "$wall" "$(col "$tool" 2)" \
    "$(col "$tool" 3)" "$pages" "$(echo "$pages / $wall" | bc -l)"
}
row golive "$golive_pages"
row zola "$zola_pages"
ratio=$(echo "($golive_pages / $(col golive 1)) / ($zola_pages / $(col zola 1))" | bc -l)
printf "golive builds %.2fx Zola's pages per second (runs: golive %s s, Zola %s s)\n" "$ratio" \
  "$(awk '{printf "%s ", $1}' "$WORK/times-golive")" "$(awk '{printf "%s ", $1}' "$WORK/times-zola")"
rm -rf "$WORK"/golive-* "$WORK"/zola-*
