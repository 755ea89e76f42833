#!/bin/sh
# What the test suite needs from the system, installed from Debian's packages when missing:
# Chromium for the browser tests (driven by Playwright; never `playwright install`) and GNU
# gettext, whose xgettext proves the pt-BR catalogue is complete.
set -e
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v xgettext >/dev/null 2>&1 || missing="$missing gettext"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing:$missing"
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  exit 0
fi
echo "The tests need:$missing. Install them with: sudo apt-get install$missing" >&2
exit 1
