#!/usr/bin/env bash
# Whole process next to the library: `nepforge extract` (the published release binary, scripts/nepforge) and the
# library's OUTCAR reader (NepForge.Bench outcar) against ASE reading and writing the same steps
# (bench/ase_extract.py), on AIMD OUTCARs of 6-, 84- and 391-atom steps, small (1 MB) and large (LARGE_MB).
# Whole-process runs go through bench/process_timing.py: interleaved, wall and CPU time, peak RSS, load average.
#
#   bash bench/compare_extract.sh [FIXTURES]      (default ../shared/fixtures)
# Environment: BENCH_DIR (scratch, default /tmp/nepforge-bench-extract; inputs are kept and reused), LARGE_MB
# (default 1000), RUNS_SMALL (10), RUNS_LARGE (2), ASE_LARGE=0 skips ASE on the large files (minutes each),
# SIZES ("small large"), CASES ("h2o6 npt84 wh391").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixtures="${1:-$root/../shared/fixtures}"
scratch="${BENCH_DIR:-/tmp/nepforge-bench-extract}"
mkdir -p "$scratch"
py=/usr/bin/python3
"$root/scripts/nepforge" --version >/dev/null # publishes the release binary if needed
nf="$root/artifacts/publish/nepforge/nepforge"
dotnet build "$root/bench/NepForge.Bench/NepForge.Bench.csproj" -c Release --nologo -v quiet >/dev/null
bench="dotnet $root/artifacts/bin/NepForge.Bench/release/NepForge.Bench.dll"
declare -A source=([h2o6]=vasp/dpdata/OUTCAR.h2o.md.10 [npt84]=vasp/custodian/npt_nvt/OUTCAR [wh391]=vasp/gpumd-tools/WH-AIMD/OUTCAR)
declare -A atoms=([h2o6]=6 [npt84]=84 [wh391]=391)
echo "compare_extract.sh $(date -u +%FT%TZ), $(nproc) cores, $(dotnet --list-runtimes | grep NETCore | tail -1 | cut -d' ' -f1-2), ASE $("$py" -c 'import ase; print(ase.__version__)')"
for case in ${CASES:-h2o6 npt84 wh391}; do
  for size in ${SIZES:-small large}; do
    mb=$([ "$size" = small ] && echo 1 || echo "${LARGE_MB:-1000}")
    f="$scratch/$case-${mb}MB.OUTCAR"
    [ -f "$f" ] || "$py" "$root/bench/make_big_outcar.py" "$fixtures/${source[$case]}" "$f" "$mb" >/dev/null
    bytes=$(stat -L -c %s "$f")
    runs=$([ "$size" = small ] && echo "${RUNS_SMALL:-10}" || echo "${RUNS_LARGE:-2}")
    echo "== $case: ${atoms[$case]}-atom steps, $(awk -v b="$bytes" 'BEGIN{printf "%.1f MB", b/1e6}'), $runs run(s) each, interleaved"
    echo "   library (in process, best of 3): $($bench outcar "$f" --repeat 3 | tr '\n' ' ')"
    cmds=("nepforge extract=$nf extract $f -o $scratch/nf.xyz")
    if [ "$size" = small ] || [ "${ASE_LARGE:-1}" = 1 ]; then
      cmds+=("ASE read+write=$py $root/bench/ase_extract.py $f $scratch/ase.xyz")
    fi
    "$py" "$root/bench/process_timing.py" --runs "$runs" --bytes "$bytes" $([ "$size" = small ] && echo --warm) "${cmds[@]}" | sed 's/^/   /'
    rm -f "$scratch/nf.xyz" "$scratch/ase.xyz"
  done
done
