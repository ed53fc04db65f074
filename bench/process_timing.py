#!/usr/bin/env python3
"""Whole-process timing of commands, runs interleaved: wall time, CPU time and peak memory (see bench/README.md).

usage: process_timing.py [--runs N] [--bytes B] [--warm] NAME=COMMAND [NAME=COMMAND ...]
Each round runs every command once, in the given order, so that load from other processes falls on all of them
alike (the shared 2-core machine is often loaded). Prints per command the median and minimum wall time, the median
and minimum CPU time (user + sys of the process and its children, from wait4), the peak RSS and, with --bytes, MB/s
of B input bytes by median wall and by median CPU time; then the load average before and after. --warm runs every
command once first, untimed (page cache, on-disk caches). COMMAND runs through /bin/sh with its output discarded; a
non-zero exit is an error.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time


def run(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode(errors="replace")
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"process_timing.py: '{cmd}' exited {code}: {err.strip()[-300:]}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--bytes", type=float, default=0)
    ap.add_argument("--warm", action="store_true")
    ap.add_argument("commands", nargs="+")
    a = ap.parse_args()
    cmds = [c.split("=", 1) for c in a.commands]
    if a.warm:
        for _, c in cmds:
            run(c)
    load0 = os.getloadavg()
    times = {n: [] for n, _ in cmds}
    for _ in range(a.runs):
        for n, c in cmds:
            times[n].append(run(c))
    load1 = os.getloadavg()
    head = f"{'command':<26} {'wall med':>9} {'wall min':>9} {'cpu med':>9} {'cpu min':>9} {'RSS MB':>7}"
    if a.bytes:
        head += f" {'MB/s wall':>10} {'MB/s cpu':>9}"
    print(head + "   (times in ms)" if not a.bytes else head + "   (times in s)")
    scale = 1 if a.bytes else 1000
    for n, _ in cmds:
        w = [t[0] for t in times[n]]
        c = [t[1] for t in times[n]]
        rss = max(t[2] for t in times[n])
        fmt = "{:>9.3f}" if a.bytes else "{:>9.0f}"
        line = f"{n:<26} " + " ".join(fmt.format(x * scale) for x in (statistics.median(w), min(w), statistics.median(c), min(c)))
        line += f" {rss:>7.0f}"
        if a.bytes:
            line += f" {a.bytes / 1e6 / statistics.median(w):>10.1f} {a.bytes / 1e6 / statistics.median(c):>9.1f}"
        print(line)
    print("load average before: %.2f %.2f %.2f, after: %.2f %.2f %.2f (%d cores)" % (*load0, *load1, os.cpu_count()))


main()
