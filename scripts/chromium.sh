#!/usr/bin/env bash
# Debian's Chromium for the end-to-end tests (they never download a browser): found, installed with
# apt-get when this user may (root, or passwordless sudo), or else the exact command to run is printed.
set -uo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0
if [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable Chromium: fix it, or unset it to use Debian's /usr/bin/chromium." >&2
  exit 1
fi
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then as=(env)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as=(sudo -n env)
  else as=()
  fi
  if [ ${#as[@]} -gt 0 ]; then
    echo "Chromium is missing: installing Debian's package for the end-to-end tests (apt-get install -y chromium)…"
    if "${as[@]}" DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      "${as[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && [ -x "$CHROMIUM" ]; then
      exit 0
    fi
    echo "Installing Chromium failed (see above)." >&2
  fi
fi
cat >&2 <<MSG
The end-to-end tests need Debian's Chromium at $CHROMIUM, and it is not installed.
Install it, then run npm test again:

    sudo apt-get update && sudo apt-get install -y chromium

(or set CHROMIUM_PATH to a Chromium binary you have).
MSG
exit 1
