#!/usr/bin/env bash
# Side by side: farthest-point selection in NepForge (bench/NepForge.Bench "fps") and in NumPy (bench/fps_numpy.py),
# same data (written once by NepForge.Bench to $BENCH_DIR), same rules, same machine. See bench/README.md.
#
#   bash bench/compare_fps.sh
#
# Environment: CANDIDATES (200000), BASE (20000), DIM (80), PICKS (1000), BENCH_DIR (/tmp/nepforge-fps),
#              PYTHON (/usr/bin/python3; needs numpy: apt-get install -y python3-numpy)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${CANDIDATES:-200000}" M="${BASE:-20000}" D="${DIM:-80}" K="${PICKS:-1000}"
DIR="${BENCH_DIR:-/tmp/nepforge-fps}"
PYTHON="${PYTHON:-/usr/bin/python3}"
"$PYTHON" -c 'import numpy' 2>/dev/null || { echo "compare_fps.sh: $PYTHON cannot import numpy (apt-get install -y python3-numpy)" >&2; exit 2; }
mkdir -p "$DIR"
echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "== numpy BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)" >&2
case "$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)" in
  *openblas*) ;;
  *) echo "compare_fps.sh: numpy is not on OpenBLAS here (Debian: apt-get install -y libopenblas0); the comparison would flatter NepForge" >&2 ;;
esac
dotnet build -c Release "$ROOT/bench/NepForge.Bench/NepForge.Bench.csproj" -nologo -v q >&2
BENCH_DLL="$ROOT/artifacts/bin/NepForge.Bench/release/NepForge.Bench.dll"
dotnet "$BENCH_DLL" fps "$DIR" --candidates "$N" --base "$M" --dim "$D" --generate-only
# NepForge on 1 and 2 threads, NumPy with OpenBLAS on 1 and 2 threads (OPENBLAS_NUM_THREADS), interleaved so that
# load from other processes falls on all alike; /usr/bin/time gives wall, CPU (user+sys) and peak RSS of each.
for t in 1 2; do
  echo "== NepForge, $t thread(s)" >&2
  /usr/bin/time -f "wall_s=%e cpu_s=%U+%S max_rss_kB=%M" dotnet "$BENCH_DLL" fps "$DIR" --candidates "$N" --base "$M" --dim "$D" --picks "$K" --threads "$t" 2>&1 | tee "$DIR/nepforge-$t.txt" >&2
  echo "== NumPy, OPENBLAS_NUM_THREADS=$t" >&2
  OPENBLAS_NUM_THREADS=$t /usr/bin/time -f "wall_s=%e cpu_s=%U+%S max_rss_kB=%M" "$PYTHON" "$ROOT/bench/fps_numpy.py" "$DIR" --dim "$D" --picks "$K" 2>&1 | tee "$DIR/numpy-$t.txt" >&2
  cp "$DIR/picks_numpy.txt" "$DIR/picks_numpy-$t.txt"
done
cp "$DIR/nepforge-1.txt" "$DIR/nepforge.txt"
cp "$DIR/numpy-1.txt" "$DIR/numpy.txt"
kv() { grep -o "\b$2=[^ ]*" "$1" | head -n 1 | cut -d= -f2; }
nf=$(kv "$DIR/nepforge.txt" select_s) np=$(kv "$DIR/numpy.txt" select_s)
same=$(paste -d' ' "$DIR/picks_nepforge.txt" "$DIR/picks_numpy.txt" | awk '$1 != $3 { c++ } END { print c + 0 }')
maxrel=$(paste -d' ' "$DIR/picks_nepforge.txt" "$DIR/picks_numpy.txt" | awk '{ r = ($2 - $4) / $2; if (r < 0) r = -r; if (r > m) m = r } END { printf "%.1e", m }')
echo
echo "FPS, $N candidates, $M base, $D dims, $K picks, float64, $(date -u +%Y-%m-%d), .NET $(dotnet --version), numpy $(kv "$DIR/numpy.txt" numpy_version)"
printf '%-34s %12s %12s\n' "" NepForge NumPy
printf '%-34s %12s %12s\n' "selection time, s" "$nf" "$np"
printf '%-34s %12s %12s\n' "  nearest-base pass / FPS loop, s" "-" "$(kv "$DIR/numpy.txt" init_s) / $(kv "$DIR/numpy.txt" loop_s)"
printf '%-34s %12s %12s\n' "max RSS, MB" "$(awk -v k="$(kv "$DIR/nepforge.txt" max_rss_kB)" 'BEGIN{printf "%.0f", k/1024}')" "$(awk -v k="$(kv "$DIR/numpy.txt" max_rss_kB)" 'BEGIN{printf "%.0f", k/1024}')"
echo "speed-up NepForge/NumPy, 1 thread each: $(awk -v a="$np" -v b="$nf" 'BEGIN { printf "%.1f", a / b }')x"
cpu() { kv "$1" cpu_s | awk -F+ '{ printf "%.1f", $1 + $2 }'; }
printf '%-34s %12s %12s %12s %12s\n' "" "NF 1 thr" "NF 2 thr" "NumPy 1 thr" "NumPy 2 thr"
printf '%-34s %12s %12s %12s %12s\n' "selection time, s" "$(kv "$DIR/nepforge-1.txt" select_s)" "$(kv "$DIR/nepforge-2.txt" select_s)" "$(kv "$DIR/numpy-1.txt" select_s)" "$(kv "$DIR/numpy-2.txt" select_s)"
printf '%-34s %12s %12s %12s %12s\n' "whole process wall, s" "$(kv "$DIR/nepforge-1.txt" wall_s)" "$(kv "$DIR/nepforge-2.txt" wall_s)" "$(kv "$DIR/numpy-1.txt" wall_s)" "$(kv "$DIR/numpy-2.txt" wall_s)"
printf '%-34s %12s %12s %12s %12s\n' "whole process CPU, s" "$(cpu "$DIR/nepforge-1.txt")" "$(cpu "$DIR/nepforge-2.txt")" "$(cpu "$DIR/numpy-1.txt")" "$(cpu "$DIR/numpy-2.txt")"
echo "picks differing in index: $same of $K; largest relative distance difference: $maxrel"
echo "exact nearest-base searches (NepForge): $(kv "$DIR/nepforge.txt" exact_base_searches) of $N candidates"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
