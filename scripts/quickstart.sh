#!/usr/bin/env bash
# The quickstart: build nepforge and run phase-1 data handling on a real CP2K AIMD trajectory
# (examples/si8-aimd/si8_aimd.xyz): inspect, subsample, write POSCARs, read them back, split train/test.
# Output goes to ./quickstart-out (or $1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/quickstart-out}"
"$root/scripts/ensure-prerequisites.sh"
dotnet build "$root/src/NepForge.Cli/NepForge.Cli.csproj" -c Release --nologo -v quiet
nf() { echo "\$ nepforge $*" >&2; dotnet "$root/artifacts/bin/NepForge.Cli/release/nepforge.dll" "$@"; }
traj="$root/examples/si8-aimd/si8_aimd.xyz"
rm -rf "$out" && mkdir -p "$out"
nf info "$traj"
nf sample "$traj" -o "$out/sampled.xyz" --skip-first 5 --every 3
nf convert "$out/sampled.xyz" -o "$out/poscars/"
nf convert "$out/poscars" -o "$out/from-poscars.xyz"
nf split "$out/sampled.xyz" --test 0.2 --seed 1 -o "$out"
nf info "$out/train.xyz" "$out/test.xyz"
echo "quickstart: done; see $out (train.xyz, test.xyz, poscars/POSCAR-*)"
