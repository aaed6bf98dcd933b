// The generators built into dynagrad, one per source file (see generator.hpp for the registry).
#pragma once

#include "datasets/generator.hpp"

namespace dg::datasets {

const Generator& electrostatic_generator();     // electrostatic.cpp: Aether's static field
const Generator& gravitational_generator();     // gravitational.cpp: Aether's dynamic field
const Generator& charged_generator();           // coulomb_sets.cpp: NRI charged particles
const Generator& nbody_generator();             // coulomb_sets.cpp: EGNN's N-body charges
const Generator& lorentz_generator();           // coulomb_sets.cpp: charges in a magnetic field
const Generator& springs_generator();           // springs.cpp: NRI springs
const Generator& lorenz_generator();            // flows.cpp: Lorenz-63
const Generator& roessler_generator();          // flows.cpp: Roessler
const Generator& double_pendulum_generator();   // double_pendulum.cpp

}  // namespace dg::datasets
