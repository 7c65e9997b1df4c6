#!/usr/bin/env bash
# Retakes the README's screenshots (docs/screenshots/*.png) from the demo data in headless
# Chromium: the same seed `labdesk demo` starts with, through the real pages.
# Needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/.."
export LABDESK_SCREENSHOTS="${LABDESK_SCREENSHOTS:-$PWD/docs/screenshots}"
cargo test --locked -q --test it screenshots -- --ignored --nocapture
