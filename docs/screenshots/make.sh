#!/bin/sh
# Takes the screenshots of README.md ("What it looks like") again: builds this
# repository's example site with the clock at a fixed time, then shoots each page
# with headless Chromium at 1280 px (1280x900) and some at 390 px (a phone, 2x).
#
#   docs/screenshots/make.sh            from anywhere; needs cargo and chromium
#
# GOLIVE_NOW (default 2026-11-21 10:00) sets the clock the pages are built with
# (approval phases, warnings); CHROMIUM names the browser (default chromium).
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
shots="$repo/docs/screenshots"
now=${GOLIVE_NOW:-2026-11-21 10:00}
chromium=${CHROMIUM:-chromium}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$repo"
cargo build --quiet
target/debug/golive --quiet --now "$now" build --out "$work/public"
public="$work/public"

# shot NAME PAGE WIDTH HEIGHT SCALE: PAGE (below public/) into
# docs/screenshots/NAME-WIDTH.png. A PAGE ending in #anchor is shown in a frame
# that fills the window, scrolled to the anchor: headless Chromium's own
# --screenshot does not scroll to one. The virtual time budget lets the search
# page's script load the index and fill in its results before the shot.
shot() {
  url="file://$public/$2"
  case $2 in
    *#*)
      frame="$work/frame-$1.html"
      printf '<!doctype html><title>%s</title><style>html,body{margin:0;height:100%%;overflow:hidden}iframe{display:block;border:0;width:100%%;height:100%%}</style><iframe src="%s"></iframe>\n' "$1" "$url" >"$frame"
      url="file://$frame"
      ;;
  esac
  "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --disable-background-networking --disable-component-update \
    --user-data-dir="$work/profile" --virtual-time-budget=5000 \
    --window-size="$3,$4" --force-device-scale-factor="$5" \
    --screenshot="$shots/$1-$3.png" "$url" >/dev/null 2>&1
  echo "$1-$3.png  <- $2"
}
desktop() { shot "$1" "$2" 1280 900 1; }
phone() { shot "$1" "$2" 390 844 2; }

release=releases/northwind-erp-2.4.0
desktop dashboard index.html
phone dashboard index.html
desktop readiness-report "$release/index.html"
phone readiness-report "$release/index.html"
desktop checklist "$release/checklist.html"
desktop go-live-runbook "$release/runbook.html"
phone go-live-runbook "$release/runbook.html"
desktop go-live-runbook-support "$release/runbook.html#oncall"
desktop deployment-request "$release/approval.html"
desktop troubleshooting-runbook runbooks/database-connection-errors.html
desktop runbooks-index runbooks/index.html
desktop email-success releases/northwind-erp-2.3.0/emails/success.html
desktop war-room-pack "$release/warroom.html"
phone war-room-pack "$release/warroom.html"
desktop calendar "calendar.html#m-2026-11"
phone calendar "calendar.html#m-2026-11"
desktop search "search.html?q=rollback%20database"
phone search "search.html?q=rollback%20database"
