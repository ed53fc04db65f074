#!/usr/bin/env bash
# The quickstart: build nepforge and run phase-1 data handling on a real CP2K AIMD trajectory
# (examples/si8-aimd/si8_aimd.xyz): inspect and validate, subsample, write POSCARs and read them back, perturb the
# cells and atoms for new DFT single points (with a minimum-distance guard), label them with real CP2K single points
# through the local executor (job folders, retries, convergence checks), collect, filter, split train/test.
# Output goes to ./quickstart-out (or $1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/quickstart-out}"
"$root/scripts/ensure-prerequisites.sh"
# The command users get: scripts/nepforge publishes the release build (ReadyToRun) on first use.
"$root/scripts/nepforge" --version >/dev/null
nf() { echo "\$ nepforge $*" >&2; "$root/scripts/nepforge" "$@"; }
traj="$root/examples/si8-aimd/si8_aimd.xyz"
rm -rf "$out" && mkdir -p "$out"
rm -rf "$root/examples/quickstart/out"   # the workflow below writes inside its own folder; start it afresh too
nf info "$traj"
nf sample "$traj" -o "$out/sampled.xyz" --skip-first 5 --every 3
nf convert "$out/sampled.xyz" -o "$out/poscars/"
nf convert "$out/poscars" -o "$out/from-poscars.xyz"
nf validate "$traj"
nf perturb "$out/sampled.xyz" -o "$out/perturbed/" --count 3 --cell 0.06 --disp 0.1 --min-ratio 0.7 --seed 42
nf perturb "$out/sampled.xyz" -o "$out/perturbed.xyz" --count 1 --cell 0.03 --disp 0.05 --min-ratio 0.7 --seed 7
nf sample "$out/perturbed.xyz" -o "$out/to-label.xyz" --count 4
nf dft prepare "$out/to-label.xyz" -o "$out/jobs" --engine cp2k --cp2k-cutoff 150
nf dft run "$out/jobs" -j 2 --poll 1
nf dft status "$out/jobs"
nf dft collect "$out/jobs" -o "$out/labelled.xyz"
nf merge "$out/sampled.xyz" "$out/labelled.xyz" -o "$out/dataset.xyz"
nf filter "$out/dataset.xyz" -o "$out/filtered.xyz" --rejected "$out/rejected.xyz" --max-force 2.5 --min-ratio 0.7
nf split "$out/filtered.xyz" --test 0.2 --seed 1 -d "$out" --force
nf info "$out/train.xyz" "$out/test.xyz"
# The same phase 1 as one resumable workflow file: CP2K AIMD at 300 K and 900 K → sample → perturb ±6 % → CP2K
# single points → train.xyz, then two active-learning generations: a NEP model trained on the CPU, CPU MD,
# trajectory cleaning, farthest-point selection, CP2K labels (run it again after an interruption and it resumes).
nf run "$root/examples/quickstart/workflow.yaml"
nf status "$root/examples/quickstart/workflow.yaml"
nf validate "$root/examples/quickstart/out/train.xyz"
# nf run already wrote examples/quickstart/out/report.html (both phases); `nf report WORKFLOW.yaml` rewrites it.
echo "quickstart: done; see $out (train.xyz, test.xyz, jobs/ with the CP2K runs, labelled.xyz, poscars/POSCAR-*, perturbed/POSCAR-* ready for VASP; and examples/quickstart/out/ with the workflow's stages, its train.xyz and report.html)"
