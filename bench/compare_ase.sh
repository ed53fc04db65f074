#!/usr/bin/env bash
# Side-by-side extxyz read/write throughput and peak memory: NepForge (bench/NepForge.Bench "throughput") against
# ASE (bench/ase_extxyz_timing.py under /usr/bin/python3), on the same ≥200 MB file. See bench/README.md.
#
#   bash bench/compare_ase.sh [SOURCE.xyz]
#
# SOURCE defaults to ../shared/fixtures/gpumd/nep_train/train.xyz (relative to the repository root); it is
# concatenated until the file reaches TARGET_MB. Environment:
#   BENCH_DIR      scratch folder for the big files (default /tmp/nepforge-bench; files are reused on a rerun)
#   TARGET_MB      size of the main file, MB (default 200: 512 copies of the 391 kB fixture, 200.2 MB)
#   COPIES         number of copies for the main file instead (e.g. 520); overrides TARGET_MB
#   BIG_FACTOR     the memory check also reads a file this many times larger (default 2)
#   REPEAT         NepForge timing passes, best one kept (default 3)
#   ASE_FRACTION   time ASE on this first fraction of the file only (default 1 = all of it)
#   PYTHON         interpreter with ASE (default /usr/bin/python3)
#   CLEAN=1        delete the big files at the end
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC_ARG="${1:-../shared/fixtures/gpumd/nep_train/train.xyz}"
if [[ -f "$SRC_ARG" && "$SRC_ARG" == /* ]]; then
    SRC="$SRC_ARG"
elif [[ -f "$ROOT/$SRC_ARG" ]]; then
    SRC="$(cd "$(dirname "$ROOT/$SRC_ARG")" && pwd)/$(basename "$SRC_ARG")"
elif [[ -f "$SRC_ARG" ]]; then
    SRC="$(cd "$(dirname "$SRC_ARG")" && pwd)/$(basename "$SRC_ARG")"
else
    echo "compare_ase.sh: source file '$SRC_ARG' not found (relative paths are tried from the repository root)" >&2
    exit 2
fi

BENCH_DIR="${BENCH_DIR:-/tmp/nepforge-bench}"
TARGET_MB="${TARGET_MB:-200}"
BIG_FACTOR="${BIG_FACTOR:-2}"
REPEAT="${REPEAT:-3}"
ASE_FRACTION="${ASE_FRACTION:-1}"
PYTHON="${PYTHON:-/usr/bin/python3}"
mkdir -p "$BENCH_DIR"

if ! "$PYTHON" -c 'import ase' 2>/dev/null; then
    echo "compare_ase.sh: $PYTHON cannot import ase (Debian: apt-get install python3-ase)" >&2
    exit 2
fi
if [[ "$(tail -c 1 "$SRC" | od -An -c | tr -d ' ')" != '\n' ]]; then
    echo "compare_ase.sh: $SRC does not end with a newline; copies of it cannot be concatenated" >&2
    exit 2
fi

src_bytes=$(stat -c %s "$SRC")
copies="${COPIES:-$(( (TARGET_MB * 1000000 + src_bytes - 1) / src_bytes ))}"
big_copies=$(( copies * BIG_FACTOR ))

# make_concat COPIES DEST: DEST = COPIES × SRC, reused when it already has the right size.
make_concat() {
    local n=$1 dest=$2
    if [[ -f "$dest" && "$(stat -c %s "$dest")" -eq $(( n * src_bytes )) ]]; then
        return
    fi
    echo "building $dest ($n copies of $(basename "$SRC"))" >&2
    local i
    for (( i = 0; i < n; i++ )); do cat "$SRC"; done > "$dest.tmp"
    mv "$dest.tmp" "$dest"
}

# kv FILE KEY: the value of KEY=… in a key=value log.
kv() { grep -o "\b$2=[^ ]*" "$1" | head -n 1 | cut -d= -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
ratio2() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
per_s() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }

MAIN="$BENCH_DIR/$(basename "$SRC" .xyz)-x$copies.xyz"
BIG="$BENCH_DIR/$(basename "$SRC" .xyz)-x$big_copies.xyz"
make_concat "$copies" "$MAIN"
make_concat "$big_copies" "$BIG"

echo "== machine" >&2
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "cpu: $cpu, $(nproc) cores; memory $(free -g | awk '/^Mem:/ { print $2 }') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "== building bench/NepForge.Bench (Release)" >&2
dotnet build -c Release "$ROOT/bench/NepForge.Bench/NepForge.Bench.csproj" -nologo -v q >&2
BENCH_DLL="$ROOT/artifacts/bin/NepForge.Bench/release/NepForge.Bench.dll"

echo "== NepForge on $MAIN" >&2
dotnet "$BENCH_DLL" throughput "$MAIN" --repeat "$REPEAT" | tee "$BENCH_DIR/nepforge-main.txt" >&2
echo "== NepForge on $BIG (memory check, 1 pass)" >&2
dotnet "$BENCH_DLL" throughput "$BIG" --repeat 1 | tee "$BENCH_DIR/nepforge-big.txt" >&2
echo "== ASE on $MAIN (fraction $ASE_FRACTION)" >&2
"$PYTHON" "$ROOT/bench/ase_extxyz_timing.py" "$MAIN" --fraction "$ASE_FRACTION" --scratch "$BENCH_DIR" | tee "$BENCH_DIR/ase.txt" >&2

N="$BENCH_DIR/nepforge-main.txt" B="$BENCH_DIR/nepforge-big.txt" A="$BENCH_DIR/ase.txt"
nf_read=$(kv "$N" read_MBps) nf_write=$(kv "$N" write_MBps)
ase_read=$(kv "$A" read_MBps) ase_write=$(kv "$A" write_MBps)

echo
echo "extxyz throughput, $(date -u +%Y-%m-%d), $cpu ($(nproc) cores), .NET $(dotnet --version), ASE $(kv "$A" ase_version)"
echo "file: $(basename "$MAIN"), $(mb "$(kv "$N" file_bytes)") MB, $(kv "$N" frames) frames, $(kv "$N" atoms) atoms;" \
    "ASE timed on $(mb "$(kv "$A" bytes_read)") MB (fraction $(kv "$A" fraction))"
echo
row() { printf '%-46s %12s %12s %14s\n' "$@"; }
nf_rfps=$(per_s "$(kv "$N" frames)" "$(kv "$N" read_s)") ase_rfps=$(per_s "$(kv "$A" frames)" "$(kv "$A" read_s)")
nf_wfps=$(per_s "$(kv "$N" frames)" "$(kv "$N" write_s)") ase_wfps=$(per_s "$(kv "$A" frames)" "$(kv "$A" write_s)")
nf_mem=$(kv "$N" peak_working_set_streaming_read_MB) ase_mem=$(kv "$A" peak_rss_after_read_MB)
nf_mem_all=$(kv "$N" peak_with_all_frames_in_memory_MB) ase_mem_all=$(kv "$A" peak_rss_after_write_MB)
row "" "NepForge" "ASE" "NepForge/ASE"
row "read, MB/s of input" "$nf_read" "$ase_read" "$(ratio "$nf_read" "$ase_read")x"
row "read, frames/s" "$nf_rfps" "$ase_rfps" "$(ratio "$nf_rfps" "$ase_rfps")x"
row "write, MB/s of own output" "$nf_write" "$ase_write" "$(ratio "$nf_write" "$ase_write")x"
row "write, frames/s (same frames)" "$nf_wfps" "$ase_wfps" "$(ratio "$nf_wfps" "$ase_wfps")x"
row "read, s (NepForge best of $REPEAT, ASE 1 pass)" "$(kv "$N" read_s)" "$(kv "$A" read_s)" ""
row "write, s" "$(kv "$N" write_s)" "$(kv "$A" write_s)" ""
row "written, MB" "$(mb "$(kv "$N" written_bytes)")" "$(mb "$(kv "$A" written_bytes)")" ""
row "peak memory after read, MB" "$nf_mem" "$ase_mem" "$(ratio2 "$nf_mem" "$ase_mem")x"
row "peak memory, all frames in memory + write, MB" "$nf_mem_all" "$ase_mem_all" "$(ratio2 "$nf_mem_all" "$ase_mem_all")x"
if [[ "$(kv "$A" bytes_read)" != "$(kv "$A" file_bytes)" ]]; then
    echo "(ASE_FRACTION=$ASE_FRACTION: ASE's times and memory are for the first $(mb "$(kv "$A" bytes_read)") MB only;" \
        "rates compare, ASE's memory and written MB would grow with the full file)"
fi
echo
echo "NepForge streaming-read peak working set vs file size (should be flat):"
printf '  %8s MB file: %8s MB\n' "$(mb "$(kv "$N" file_bytes)")" "$(kv "$N" peak_working_set_streaming_read_MB)"
printf '  %8s MB file: %8s MB\n' "$(mb "$(kv "$B" file_bytes)")" "$(kv "$B" peak_working_set_streaming_read_MB)"
echo "  (all frames held in memory, for the write: $(kv "$N" peak_with_all_frames_in_memory_MB) MB and $(kv "$B" peak_with_all_frames_in_memory_MB) MB)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the machine skew the numbers)"
echo "raw logs: $N $B $A"

if [[ "${CLEAN:-0}" == 1 ]]; then
    rm -f "$MAIN" "$BIG"
fi
