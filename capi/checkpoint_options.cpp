// Reading a DynamicsModel's options from its checkpoint's array shapes (checkpoint_options.hpp).
#include "capi/checkpoint_options.hpp"

#include "nn/checkpoint.hpp"

namespace dg::capi {

namespace {

const io::Array* find_array(const io::NamedArrays& arrays, const std::string& name) {
  for (const auto& [key, array] : arrays)
    if (key == name) return &array;
  return nullptr;
}

bool has_prefix(const io::NamedArrays& arrays, const std::string& prefix) {
  for (const auto& entry : arrays)
    if (entry.first.rfind(prefix, 0) == 0) return true;
  return false;
}

// The array `name`, which must be a matrix.
const io::Array& matrix(const io::NamedArrays& arrays, const std::string& name, const std::string& path) {
  const io::Array* a = find_array(arrays, name);
  if (!a) throw nn::CheckpointError(path + ": no array '" + name + "' (not a field-discovery field or no_field model)");
  if (a->shape().size() != 2 || a->shape()[0] < 1 || a->shape()[1] < 1)
    throw nn::CheckpointError(path + ": array '" + name + "' is " + io::shape_string(a->shape()) +
                              ", expected a matrix");
  return *a;
}

}  // namespace

field_discovery::ModelOptions model_options_from(const io::NamedArrays& arrays, const std::string& path) {
  using field_discovery::ModelKind;
  if (has_prefix(arrays, "absolute."))
    throw nn::CheckpointError(path +
                              ": an absolute-baseline checkpoint; the C interface runs field and no_field models");
  field_discovery::ModelOptions o;
  o.hidden = matrix(arrays, "interaction.phi_e.layers.0.weight", path).shape()[1];  // (in, hidden)
  if (!has_prefix(arrays, "field.")) {
    o.kind = ModelKind::NoField;
    return o;
  }
  o.kind = ModelKind::Field;
  const io::Array& B = matrix(arrays, "field.fourier.B", path);  // (d, fourier)
  o.dim = B.shape()[0];
  o.fourier_features = B.shape()[1];
  o.field_width = matrix(arrays, "field.layers.0.weight", path).shape()[1];  // (in, width)
  o.field_layers = 0;
  while (find_array(arrays, "field.layers." + std::to_string(o.field_layers) + ".weight")) ++o.field_layers;
  return o;
}

}  // namespace dg::capi
