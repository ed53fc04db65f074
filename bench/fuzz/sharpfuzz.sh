#!/usr/bin/env bash
# Coverage-guided fuzzing of the readers (issue 14): AFL++ drives tests/NepForge.SharpFuzz on a NepForge.Core.dll
# instrumented by SharpFuzz, SECONDS per reader, one reader after another. Prints one markdown row per reader
# (execs, corpus, edges covered, crashes, hangs) from AFL++'s fuzzer_stats; findings stay in OUT (default
# /tmp/nepforge-sharpfuzz) to replay with `dotnet OUT/bin/nepforge-sharpfuzz.dll R FIXTURES REPO < OUT/R/default/crashes/id:…`.
#   bash bench/fuzz/sharpfuzz.sh [SECONDS] [READER ...]      (from anywhere; needs ../shared/fixtures)
# Needs afl-fuzz (Debian: apt-get install afl++); the SharpFuzz tool 2.3.0 is installed into OUT.
set -euo pipefail
secs=${1:-600}
shift || true
readers=("$@")
[ ${#readers[@]} -eq 0 ] && readers=(extxyz poscar xdatcar outcar vasprun oszicar nep.txt loss.out workflow.yaml workflow.state.json)
cd "$(dirname "$0")/../.."
repo=$PWD
fixtures=$(cd ../shared/fixtures && pwd)
out=${OUT:-/tmp/nepforge-sharpfuzz}
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }
mkdir -p "$out"
dotnet build tests/NepForge.SharpFuzz -c Release -v quiet >/dev/null
rm -rf "$out/bin"
cp -r artifacts/bin/NepForge.SharpFuzz/release/. "$out/bin/"
[ -x "$out/tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$out/tools" >/dev/null
"$out/tools/sharpfuzz" "$out/bin/NepForge.Core.dll" >/dev/null
echo "| reader | seconds | execs | corpus | edges covered | crashes | hangs |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for r in "${readers[@]}"; do
  rm -rf "$out/$r"
  # Seeds from the uninstrumented build: instrumented code outside AFL++ has no coverage map to write to.
  dotnet artifacts/bin/NepForge.SharpFuzz/release/nepforge-sharpfuzz.dll --seeds "$r" "$fixtures" "$repo" "$out/$r/seeds"
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
    nice -n 10 afl-fuzz -i "$out/$r/seeds" -o "$out/$r" -t 10000 -m none -V "$secs" -- \
    dotnet "$out/bin/nepforge-sharpfuzz.dll" "$r" "$fixtures" "$repo" >"$out/$r/afl.log" 2>&1 || true
  stats="$out/$r/default/fuzzer_stats"
  if [ -f "$stats" ]; then
    get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
    echo "| $r | $secs | $(get execs_done) | $(get corpus_count) | $(get bitmap_cvg) | $(get saved_crashes) | $(get saved_hangs) |"
  else
    echo "| $r | $secs | afl-fuzz did not start: see $out/$r/afl.log | | | | |"
  fi
done
