#!/usr/bin/env python3
"""Build a large vasprun.xml by repeating the <calculation> blocks of a real one (benchmarks only).

usage: make_big_vasprun.py SOURCE OUT TARGET_MB
Everything before the first <calculation> is written once, the calculation blocks are repeated until OUT reaches
TARGET_MB, then everything after the last </calculation> (the final structure, </modeling>).
"""
import sys

src, out, target_mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
text = open(src, encoding="latin-1").read()
first = text.index("<calculation>")
last = text.rindex("</calculation>") + len("</calculation>\n")
head, body, tail = text[:first], text[first:last], text[last:]
target = int(target_mb * 1e6)
with open(out, "w", encoding="latin-1") as f:
    f.write(head)
    n, reps = len(head), 0
    while n < target:
        f.write(body)
        n += len(body)
        reps += 1
    f.write(tail)
print(f"{out}: {n / 1e6:.0f} MB, {reps} repeats of {body.count('<calculation>')} calculations")
