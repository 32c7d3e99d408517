#!/usr/bin/env bash
# Installs what sealpost's demo and test suite need on a fresh Debian 12 machine with
# Node 20 and npm: the pinned pnpm, the workspace's dependencies and, for the tests, the
# real peers we interoperate with (GnuPG, gpgsm, OpenSSL, sqop, Postfix, Dovecot, msmtp).
# Idempotent and quick when everything is present; never prompts.
#
#   scripts/setup.sh           dependencies only (enough for the demo)
#   scripts/setup.sh --tests   dependencies and the system packages the tests use
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--tests" ] && want_tests=1

PNPM_VERSION=$(node -p 'require("./package.json").packageManager.split("@")[1]')

log() { printf '[setup] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

# --- system packages (tests only) -------------------------------------------------
# command that proves the package is there -> Debian package
declare -A SYSTEM_PACKAGES=(
  [gpg]=gnupg
  [gpgsm]=gpgsm
  [openssl]=openssl
  [sqop]=sqop
  [postfix]=postfix
  [doveadm]=dovecot-core
  [msmtp]=msmtp
  [chromium]=chromium
  [redis-server]=redis-server
)

if [ "$want_tests" -eq 1 ]; then
  missing=()
  for cmd in "${!SYSTEM_PACKAGES[@]}"; do
    if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ]; then
      missing+=("${SYSTEM_PACKAGES[$cmd]}")
    fi
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Postfix asks which configuration to write unless told: we configure our own
    # private instances in temporary directories, so "No configuration" is right.
    echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# --- pnpm at the pinned version ---------------------------------------------------
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  log "installing pnpm@$PNPM_VERSION"
  npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || as_root npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null
fi

# --- workspace dependencies and build ------------------------------------------------
export TURBO_TELEMETRY_DISABLED=1
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  log "installing workspace dependencies"
  pnpm install --frozen-lockfile --reporter=silent
fi
log "building packages"
pnpm exec turbo run build --output-logs=errors-only >&2
