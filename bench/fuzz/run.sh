#!/usr/bin/env bash
# Seeded mutation fuzzing of every reader (issue 14): N cases per reader, each reader in its own process (so that
# "max RSS" is that reader's), at the lowest priority. Prints one markdown row per reader and the problems found.
#   bash bench/fuzz/run.sh [CASES] [SEED]          (from the repository root; needs ../shared/fixtures)
# Reproduce one case:  dotnet artifacts/bin/NepForge.Fuzz/release/nepforge-fuzz.dll --reader R --seed S --first K --cases 1
# Write its input:     … --reader R --seed S --dump K
set -euo pipefail
cases=${1:-100000}
seed=${2:-14}
cd "$(dirname "$0")/../.."
dotnet build tests/NepForge.Fuzz -c Release -v quiet >/dev/null
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
cp -r artifacts/bin/NepForge.Fuzz/release/. "$bin/"
echo "| reader | cases | ok | clean errors | unlocated errors | crashes | hangs | silent wrong | max RSS | time |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for reader in extxyz poscar xdatcar outcar vasprun oszicar nep.txt loss.out workflow.yaml workflow.state.json; do
  nice -n 19 dotnet "$bin/nepforge-fuzz.dll" --reader "$reader" --cases "$cases" --seed "$seed" --timeout 20 --fixtures ../shared/fixtures
done
