#!/usr/bin/python3
"""Times ASE's extxyz reader and writer on one file, for bench/compare_ase.sh.

    /usr/bin/python3 bench/ase_extxyz_timing.py FILE.xyz [--fraction F] [--scratch DIR]

Reads FILE with ase.io.read(path, ':') (all frames into a list, as ASE does), then writes those frames with
ase.io.write(out, frames, format='extxyz'), and prints key=value lines: read_s, read_MBps, write_s, write_MBps and the
peak resident set size (resource.getrusage) after the read and after the write.

With --fraction F < 1 (or ASE_FRACTION=F in the environment) only the first F of the file is timed: the bytes up to
the first frame boundary at or after F x size are copied to a scratch file first (not timed), and MB/s is computed
from the bytes actually read. Frames in a concatenated training set are alike, so the rate carries over.
"""

import argparse
import os
import resource
import sys
import time

import ase
import ase.io


def peak_rss_mb():
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def prefix_file(path, fraction, scratch):
    """Copies the frames that start before fraction x size into scratch; returns (path, frames, bytes)."""
    size = os.path.getsize(path)
    target = fraction * size
    out = os.path.join(scratch, 'ase-prefix-%g.xyz' % fraction)
    frames = 0
    done = 0
    with open(path, 'rb') as src, open(out, 'wb') as dst:
        while done < target:
            head = src.readline()
            if not head:
                break
            if not head.strip():
                dst.write(head)
                done += len(head)
                continue
            natoms = int(head)
            chunk = [head]
            for _ in range(natoms + 1):
                chunk.append(src.readline())
            data = b''.join(chunk)
            dst.write(data)
            done += len(data)
            frames += 1
    return out, frames, done


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('path')
    ap.add_argument('--fraction', type=float, default=float(os.environ.get('ASE_FRACTION', '1')))
    ap.add_argument('--scratch', default=None, help='folder for the prefix file and the written file '
                    '(default: beside FILE)')
    args = ap.parse_args()
    if not 0 < args.fraction <= 1:
        sys.exit('--fraction must be in (0, 1], got %g' % args.fraction)
    scratch = args.scratch or os.path.dirname(os.path.abspath(args.path))
    os.makedirs(scratch, exist_ok=True)

    path = args.path
    total = os.path.getsize(path)
    made_prefix = False
    if args.fraction < 1:
        path, _, _ = prefix_file(path, args.fraction, scratch)
        made_prefix = True
    nbytes = os.path.getsize(path)
    rss_before = peak_rss_mb()

    t0 = time.perf_counter()
    frames = ase.io.read(path, ':')
    read_s = time.perf_counter() - t0
    rss_read = peak_rss_mb()
    atoms = sum(len(a) for a in frames)

    out = os.path.join(scratch, 'ase-out.xyz')
    t0 = time.perf_counter()
    ase.io.write(out, frames, format='extxyz')
    write_s = time.perf_counter() - t0
    rss_write = peak_rss_mb()
    written = os.path.getsize(out)
    os.remove(out)
    if made_prefix:
        os.remove(path)

    print('ase_version=%s python=%s' % (ase.__version__, sys.version.split()[0]))
    print('fraction=%g file_bytes=%d bytes_read=%d frames=%d atoms=%d' % (args.fraction, total, nbytes, len(frames), atoms))
    print('read_s=%.3f read_MBps=%.1f' % (read_s, nbytes / 1e6 / read_s))
    print('write_s=%.3f write_MBps=%.1f written_bytes=%d' % (write_s, written / 1e6 / write_s, written))
    print('peak_rss_before_read_MB=%.1f peak_rss_after_read_MB=%.1f peak_rss_after_write_MB=%.1f'
          % (rss_before, rss_read, rss_write))


if __name__ == '__main__':
    main()
