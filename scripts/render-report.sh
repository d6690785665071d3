#!/bin/sh
# Renders an HTML after-action report with headless Chromium to a PNG (the screen, as a phone
# and as a laptop) and a PDF (the print stylesheet), so a person can look at both.
# Usage: scripts/render-report.sh REPORT.html [OUT_DIR]
set -eu
report=$1
out=${2:-$(dirname "$report")}
name=$(basename "$report" .html)
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
run() {
    "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" "$@" "$url" 2>/dev/null
}
run --window-size=1280,2400 --screenshot="$out/$name.png"
run --window-size=390,2400 --screenshot="$out/$name-phone.png"
run --no-pdf-header-footer --print-to-pdf="$out/$name.pdf"
if command -v pdftoppm >/dev/null; then
    pdftoppm -png -r 60 "$out/$name.pdf" "$out/$name-page"
fi
echo "wrote $out/$name.png, $out/$name-phone.png, $out/$name.pdf"
