#!/usr/bin/env python3
"""Time ASE reading every frame of a VASP output, for the side-by-side comparison (bench/compare_vasp.sh).

usage: ase_vasp_timing.py FILE FORMAT     (FORMAT: vasp-out or vasp-xml)
Prints key=value lines: frames, read_s, read_MBps, peak_rss_MB.
"""
import os, resource, sys, time
from ase.io import iread

path, fmt = sys.argv[1], sys.argv[2]
size = os.path.getsize(path)
t = time.perf_counter()
n = 0
# iread streams frame by frame, so ASE is measured at its best memory behaviour; read(path, ':') is the same parser.
for atoms in iread(path, index=':', format=fmt):
    atoms.get_forces()
    n += 1
dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"frames={n}")
print(f"read_s={dt:.3f} read_MBps={size / 1e6 / dt:.1f}")
print(f"peak_rss_MB={peak:.1f}")
