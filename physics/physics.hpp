// Everything of the physics layer in one include, and a map of it. Double precision, plain
// arrays (dg::Tensor<double>, row-major (N, d), d = 2 or 3) for simulation; tape_forces.hpp has
// the same forces as tape ops for differentiable rollouts.
//
//   state.hpp           ParticleState {q, v, mass, charge, t} and its validation
//   force.hpp           the Force interface and AccelFn, the callback integrators call
//   pair_forces.hpp     Coulomb, Gravity (Plummer), Springs, LennardJones (+ energies, virials)
//   point_sources.hpp   fields of fixed charges / point masses; field_at() for grids
//   uniform_fields.hpp  UniformField (electric, gravity), MagneticField (q v x B)
//   cap.hpp             ForceCap: per-component clip (NRI, EGNN) or norm cap (Aether)
//   force_model.hpp     ForceModel: sum of forces, cap on the total, division by masses
//   boundary.hpp        Boundary: open, reflecting walls (NRI), periodic (minimum image)
//   cell_list.hpp       linked cells for short-range forces (used by LennardJones)
//   grid.hpp            regular grids of points
//   diagnostics.hpp     kinetic energy, momenta, angular momentum, virial, temperature
//   tape_forces.hpp     the forces, fields and caps on the tape (PairList batches)
//
// A typical simulation (NRI's charged particles):
//   ForceModel model(masses);
//   model.add(Coulomb(charges)).set_cap(ForceCap::per_component(100));
//   Boundary box = Boundary::reflecting(2, 5.0);
//   model(q, v, t, a);   box(q, v);   // what an integrator calls each step
#pragma once

#include "physics/boundary.hpp"
#include "physics/cap.hpp"
#include "physics/cell_list.hpp"
#include "physics/diagnostics.hpp"
#include "physics/force.hpp"
#include "physics/force_model.hpp"
#include "physics/grid.hpp"
#include "physics/pair_forces.hpp"
#include "physics/point_sources.hpp"
#include "physics/state.hpp"
#include "physics/tape_forces.hpp"
#include "physics/uniform_fields.hpp"
#include "physics/validate.hpp"
