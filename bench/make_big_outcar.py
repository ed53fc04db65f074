#!/usr/bin/env python3
"""Build a large AIMD OUTCAR by repeating the ionic steps of a real one (for benchmarks only).

usage: make_big_outcar.py SOURCE_OUTCAR OUT TARGET_MB
The header (up to the first electronic iteration) is written once, then the complete ionic steps of SOURCE
(each from its first 'Iteration' line to the line before the next step's) are repeated until OUT reaches
TARGET_MB, then VASP's timing footer. Every repeated step is a valid step, so every reader sees the same frames.
"""
import sys

src, out, target_mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
lines = open(src, encoding="latin-1").read().splitlines(keepends=True)
first_iter = next(i for i, l in enumerate(lines) if "Iteration" in l and l.lstrip().startswith("-"))
# step boundaries: the first 'Iteration N(   1)' line of each ionic step
starts = [i for i, l in enumerate(lines) if l.lstrip().startswith("-") and "Iteration" in l and "(   1)" in l]
last_energy = max(i for i, l in enumerate(lines) if "energy  without entropy" in l)
end_of_steps = next(i for i in range(last_energy, len(lines)) if lines[i].strip() == "" ) + 1
footer_at = next((i for i, l in enumerate(lines) if "General timing and accounting" in l), len(lines))
steps = "".join(lines[starts[0]:end_of_steps])
header = "".join(lines[:first_iter])
footer = "".join(lines[footer_at:]) if footer_at < len(lines) else " General timing and accounting informations for this job:\n"
target = int(target_mb * 1e6)
with open(out, "w", encoding="latin-1") as f:
    f.write(header)
    n = len(header)
    reps = 0
    while n < target:
        f.write(steps)
        n += len(steps)
        reps += 1
    f.write(footer)
print(f"{out}: {n / 1e6:.0f} MB, {reps} repeats of {len(starts)} steps")
