#!/usr/bin/env python3
"""ASE's equivalent of `nepforge extract`: read every step of a VASP OUTCAR and write them as extxyz (streaming).

usage: ase_extract.py OUTCAR OUT.xyz     (run it with /usr/bin/python3, which has ASE; see bench/compare_extract.sh)
"""
import sys

import ase.io

ase.io.write(sys.argv[2], ase.io.iread(sys.argv[1], index=":", format="vasp-out"), format="extxyz")
