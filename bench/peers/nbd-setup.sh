#!/usr/bin/env bash
# Installs the NBD clients the tests and the benchmark use, from Debian, only when a tool is
# missing: nbdinfo and nbdcopy (libnbd-bin), nbdsh (python3-libnbd), qemu-img (qemu-utils),
# fio (with its nbd engine) and nbdkit (the peer server of bench/nbd-compare.sh).
# Idempotent; needs root or sudo when something is missing. Exit 0 when every tool is there.
set -euo pipefail

declare -A package_of=(
  [nbdinfo]=libnbd-bin [nbdcopy]=libnbd-bin [nbdsh]=python3-libnbd
  [qemu-img]=qemu-utils [fio]=fio [nbdkit]=nbdkit
)

missing=()
for tool in "${!package_of[@]}"; do
  if ! PATH="/usr/bin:/usr/sbin:$PATH" command -v "$tool" >/dev/null 2>&1; then
    missing+=("${package_of[$tool]}")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "nbd-setup: tools present (nbdinfo nbdcopy nbdsh qemu-img fio nbdkit)"
  exit 0
fi
mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  else
    echo "nbd-setup: missing ${packages[*]} and not root (no passwordless sudo): install them with apt-get" >&2
    exit 1
  fi
fi

echo "nbd-setup: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
$SUDO apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
echo "nbd-setup: done"
