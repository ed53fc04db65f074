#!/usr/bin/env bash
# Installs what NepForge's build, tests and examples need on Debian 12, idempotently:
#   - the .NET 10 SDK must already be on PATH (CI images and the dev machines have it; see README);
#   - python3-ase and python3-numpy for Debian's /usr/bin/python3 (the tests cross-check files with ASE and load
#     .npy files with numpy.load);
#   - packmol (`nepforge build box` runs it; its tests skip when it is absent);
#   - cp2k, cp2k-data, openmpi-bin: CP2K 2023.1, the DFT engine that runs here (its tests skip when it is absent).
# Runs apt-get only when something is missing; uses sudo when not root.
set -euo pipefail
if ! command -v dotnet >/dev/null 2>&1; then
  echo "nepforge: the .NET 10 SDK is not on PATH. Install it (https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  echo "          e.g. the dotnet-sdk-10.0 package from packages.microsoft.com, then run this again." >&2
  exit 1
fi
missing=()
for p in python3-ase python3-numpy packmol cp2k cp2k-data openmpi-bin; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "nepforge: installing ${missing[*]} (Debian packages)" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
