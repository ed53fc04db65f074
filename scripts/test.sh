#!/usr/bin/env bash
# The test command (README, .ci/run): install prerequisites, build with warnings as errors, check formatting,
# run every test, and end with one line "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/ensure-prerequisites.sh" || exit 1
# A real single-node Slurm on localhost for the scheduler tests (they skip, with a message, if it cannot start).
bash "$root/scripts/slurm-up.sh" || echo "test.sh: Slurm did not start; the real-Slurm tests will be skipped"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log="$(mktemp)"
status=0
dotnet restore NepForge.slnx --nologo -v quiet || status=1
if [ $status -eq 0 ]; then
  dotnet build NepForge.slnx -c Release --no-restore --nologo -v quiet || status=1
fi
if [ $status -eq 0 ]; then
  dotnet format NepForge.slnx --verify-no-changes --no-restore -v quiet || { echo "dotnet format: files need formatting (run: dotnet format NepForge.slnx)"; status=1; }
fi
if [ $status -eq 0 ]; then
  dotnet test NepForge.slnx -c Release --no-build --nologo 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
fi
awk -v status="$status" '/(Passed|Failed)! +- Failed:/ { gsub(",",""); for(i=1;i<=NF;i++){ if($i=="Failed:") f+=$(i+1); if($i=="Passed:") p+=$(i+1); if($i=="Skipped:") s+=$(i+1) } }
     END { if (status != 0 && f == 0) f = 1;  # a failed build or format check counts as a failure
           printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
