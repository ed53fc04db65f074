#!/usr/bin/env python3
"""Farthest-point selection in NumPy, the same rules as `nepforge select` (bench/compare_fps.sh).

Reads DIR/cand.f64 and DIR/base.f64 (raw float64, row-major, written by `NepForge.Bench fps DIR`), then:
  1. nearest-base distance of every candidate, in blocks (no N x M matrix): ||x||^2 + ||b||^2 - 2 x.b per
     4096 x 4096 block, min over base blocks;
  2. FPS loop: i = argmax(d) (first index on ties), stop when d[i] <= min_distance (0 here), then
     d = minimum(d, ||x - x_i||) computed as ||x||^2 + ||x_i||^2 - 2 X.x_i.
Writes DIR/picks_numpy.txt and one key=value line (times, peak RSS).
"""
import argparse
import resource
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--dim", type=int, default=80)
    ap.add_argument("--picks", type=int, default=1000)
    ap.add_argument("--min-distance", type=float, default=0.0)
    ap.add_argument("--block", type=int, default=4096)
    a = ap.parse_args()

    t0 = time.perf_counter()
    x = np.fromfile(f"{a.dir}/cand.f64", dtype=np.float64).reshape(-1, a.dim)
    b = np.fromfile(f"{a.dir}/base.f64", dtype=np.float64).reshape(-1, a.dim)
    t_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    xx = np.einsum("ij,ij->i", x, x)
    bb = np.einsum("ij,ij->i", b, b)
    d2 = np.full(len(x), np.inf)
    for i in range(0, len(x), a.block):
        xi = x[i:i + a.block]
        best = np.full(len(xi), np.inf)
        for j in range(0, len(b), a.block):
            blk = xx[i:i + a.block, None] + bb[None, j:j + a.block] - 2.0 * (xi @ b[j:j + a.block].T)
            np.minimum(best, blk.min(axis=1), out=best)
        d2[i:i + a.block] = best
    d = np.sqrt(np.maximum(d2, 0.0))
    t_init = time.perf_counter() - t0

    t0 = time.perf_counter()
    picks = []
    while len(picks) < a.picks:
        i = int(np.argmax(d))
        if not d[i] > a.min_distance:
            break
        picks.append((i, float(d[i])))
        di = np.sqrt(np.maximum(xx + xx[i] - 2.0 * (x @ x[i]), 0.0))
        di[i] = 0.0
        np.minimum(d, di, out=d)
    t_loop = time.perf_counter() - t0
    i = int(np.argmax(d))
    remaining = float(d[i])

    with open(f"{a.dir}/picks_numpy.txt", "w") as f:
        for i, v in picks:
            f.write(f"{i} {v!r}\n")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000.0
    print(f"impl=numpy numpy_version={np.__version__} candidates={len(x)} base={len(b)} dim={a.dim} picks={len(picks)} "
          f"load_s={t_load:.3f} init_s={t_init:.3f} loop_s={t_loop:.3f} select_s={t_init + t_loop:.3f} "
          f"first_distance={picks[0][1]!r} last_distance={picks[-1][1]!r} remaining={remaining!r} peak_rss_MB={peak:.1f}")


if __name__ == "__main__":
    main()
