# Single points for the training set (NepForge adds nothing here; every key is yours).
SYSTEM = single point
PREC   = Accurate      # accurate forces and stresses
ENCUT  = 520           # 1.3 × the largest ENMAX of your POTCARs; the same for every structure
EDIFF  = 1E-6          # tight SCF: forces are trained to meV/Å
ISMEAR = 0             # Gaussian smearing (metals: 1 with SIGMA 0.1–0.2)
SIGMA  = 0.05
ALGO   = Normal        # NepForge escalates to All, then Damped, when the SCF does not converge
NELM   = 120
LREAL  = .FALSE.       # reciprocal-space projection: no aliasing noise in the forces
ISYM   = 0             # perturbed cells have no symmetry worth using
LWAVE  = .FALSE.
LCHARG = .FALSE.
NCORE  = 4             # tune for your nodes
