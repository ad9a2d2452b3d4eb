#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing (as root), or says what to install.
#   scripts/system-deps.sh            python3-venv, node + npm
#   scripts/system-deps.sh --browser  also chromium and chromium-driver (for the Selenium tests)
#   scripts/system-deps.sh --proxy    also nginx and openssl (the deployment test's TLS proxy)
set -euo pipefail
need=()
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
for flag in "$@"; do
  case "$flag" in
    --browser)
      [ -x /usr/bin/chromium ] || need+=(chromium)
      [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
      ;;
    --proxy)
      [ -x /usr/sbin/nginx ] || need+=(nginx-light)
      command -v openssl >/dev/null || need+=(openssl)
      ;;
    *) echo "unknown option: $flag" >&2; exit 2 ;;
  esac
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  echo "Missing system packages. Install them with:  sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
