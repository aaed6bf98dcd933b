// The field-discovery model's sizes read back from a checkpoint's arrays, so that the C interface
// (dynagrad.h) rebuilds the DynamicsModel a checkpoint was saved from without its command line.
#pragma once

#include <string>

#include "examples/field_discovery/model.hpp"
#include "io/npy.hpp"

namespace dg::capi {

// Field when the checkpoint holds the field's arrays (field.fourier.B, field.layers.K.weight),
// NoField when it holds the interaction network only. Throws nn::CheckpointError naming `path`
// for an absolute-baseline checkpoint or one without the interaction network. The other options
// (delta, accel_cap) keep ModelOptions' defaults; load_checkpoint then checks every array.
field_discovery::ModelOptions model_options_from(const io::NamedArrays& arrays, const std::string& path);

}  // namespace dg::capi
