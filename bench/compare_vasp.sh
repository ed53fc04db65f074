#!/usr/bin/env bash
# Side by side, in one run: NepForge vs ASE 3.22.1 reading every step of large VASP outputs.
#   1. an OUTCAR of >= 1 GB made by repeating the 10 MD steps of fixtures/vasp/dpdata/OUTCAR.h2o.md.10 (6 atoms)
#   2. an OUTCAR from the large-cell fixture gpumd-tools/WH-AIMD (391 atoms, 3 steps repeated)
#   3. a vasprun.xml made by repeating the <calculation> blocks of pymatgen-core/vasprun.md.xml (64 atoms)
# Usage (repo root): bash bench/compare_vasp.sh [FIXTURES_DIR]   env: BENCH_DIR (scratch, default /tmp/nepforge-bench-vasp),
#   OUTCAR_MB (default 1100), XML_MB (default 300), ASE_SKIP=1 to time NepForge only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixtures="${1:-$root/../shared/fixtures}"
scratch="${BENCH_DIR:-/tmp/nepforge-bench-vasp}"
mkdir -p "$scratch"
py=/usr/bin/python3
dotnet build "$root/bench/NepForge.Bench/NepForge.Bench.csproj" -c Release --nologo -v quiet >/dev/null
bench="dotnet $root/artifacts/bin/NepForge.Bench/release/NepForge.Bench.dll"

"$py" "$root/bench/make_big_outcar.py" "$fixtures/vasp/dpdata/OUTCAR.h2o.md.10" "$scratch/md.OUTCAR" "${OUTCAR_MB:-1100}"
"$py" "$root/bench/make_big_outcar.py" "$fixtures/vasp/gpumd-tools/WH-AIMD/OUTCAR" "$scratch/wh.OUTCAR" "${OUTCAR_MB:-1100}"
"$py" "$root/bench/make_big_vasprun.py" "$fixtures/vasp/pymatgen-core/vasprun.md.xml" "$scratch/md.vasprun.xml" "${XML_MB:-300}"

run() { # name file nepforge-mode ase-format
  echo "== $1 ($(du -h "$2" | cut -f1))"
  nf=$($bench "$3" "$2" --repeat 2)
  echo "$nf" | sed 's/^/  nepforge /'
  nf_mbps=$(echo "$nf" | sed -n 's/.*read_MBps=\([0-9.]*\).*/\1/p')
  if [ "${ASE_SKIP:-0}" != 1 ]; then
    ase=$("$py" "$root/bench/ase_vasp_timing.py" "$2" "$4")
    echo "$ase" | sed 's/^/  ase      /'
    ase_mbps=$(echo "$ase" | sed -n 's/.*read_MBps=\([0-9.]*\).*/\1/p')
    awk -v a="$nf_mbps" -v b="$ase_mbps" 'BEGIN { printf "  ratio    %.1fx\n", a / b }'
  fi
}
run "OUTCAR, 6-atom MD steps" "$scratch/md.OUTCAR" outcar vasp-out
run "OUTCAR, 391-atom MD steps" "$scratch/wh.OUTCAR" outcar vasp-out
run "vasprun.xml, 64-atom MD steps" "$scratch/md.vasprun.xml" vasprun vasp-xml
