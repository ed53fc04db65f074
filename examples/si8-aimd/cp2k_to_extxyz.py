#!/usr/bin/env python3
"""Turn the CP2K AIMD output in cp2k-output/ into si8_aimd.xyz (extended XYZ, GPUMD/NEP style).

Kept only to show how the committed example was made; NepForge's own CP2K reader replaces it later.
Energy: CP2K's E in the -pos file (Ha, the Mermin free energy with smearing) -> eV.
Forces: -frc file (Ha/bohr) -> eV/A. No virial: CP2K's MD .stress file includes the kinetic term
(it is a pressure tensor, not a DFT label), so it is not written as one.
"""
import os

HA = 27.211386245988          # eV (CODATA 2018)
BOHR = 0.529177210903         # A
CELL = 5.431                  # A, cubic, from si8_aimd.inp

here = os.path.dirname(os.path.abspath(__file__))

def frames(path):
    with open(path) as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        n = int(lines[i])
        head = lines[i + 1]
        step = int(head.split("i =")[1].split(",")[0])
        energy = float(head.split("E =")[1])
        atoms = [l.split() for l in lines[i + 2:i + 2 + n]]
        yield step, energy, atoms
        i += n + 2

pos = list(frames(os.path.join(here, "cp2k-output", "si8-pos-1.xyz")))
frc = list(frames(os.path.join(here, "cp2k-output", "si8-frc-1.xyz")))
assert len(pos) == len(frc)
out = []
for index, ((step, e, atoms), (fstep, _, forces)) in enumerate(zip(pos, frc)):
    assert step == fstep
    out.append(str(len(atoms)))
    out.append(f'Lattice="{CELL} 0 0 0 {CELL} 0 0 0 {CELL}" Properties=species:S:1:pos:R:3:forces:R:3 '
               f'energy={e * HA:.10f} pbc="T T T" config_type=si8_aimd_900K energy_kind=cp2k_free_energy '
               f'source_file=cp2k-output/si8-pos-1.xyz source_index={index} source_step={step}')
    for a, f in zip(atoms, forces):
        fx, fy, fz = (float(x) * HA / BOHR for x in f[1:4])
        out.append(f"{a[0]} {a[1]} {a[2]} {a[3]} {fx:.10f} {fy:.10f} {fz:.10f}")
with open(os.path.join(here, "si8_aimd.xyz"), "w") as f:
    f.write("\n".join(out) + "\n")
print(f"wrote {len(pos)} frames")
