// Checkpoint save / load: tensors <-> named .npz arrays, and the all-or-nothing checked load.
#include "nn/checkpoint.hpp"

#include <algorithm>
#include <map>
#include <span>
#include <vector>

#include "io/error.hpp"
#include "io/npy.hpp"

namespace dg::nn {

namespace {

std::vector<std::int64_t> dims_of(const Shape& s) { return std::vector<std::int64_t>(s.dims, s.dims + s.rank); }

template <class T>
io::Array to_array(const Tensor<T>& t) {
  if (t.device() != Device::CPU) return io::Array::from<T>(dims_of(t.shape()), t.to(Device::CPU).data());  // a copy
  return io::Array::from<T>(dims_of(t.shape()), t.data());
}

io::Array int64_scalar(std::int64_t v) { return io::Array::from<std::int64_t>({}, &v); }

// UTF-8 text as an int32 array of its bytes (numpy: bytes(a.astype('u1')).decode()).
io::Array text_array(const std::string& text) {
  std::vector<std::int32_t> bytes(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) bytes[i] = static_cast<unsigned char>(text[i]);
  return io::Array::from<std::int32_t>({static_cast<std::int64_t>(bytes.size())}, bytes);
}

// "name=value" lines; a name with '=' or a newline anywhere could not be read back.
std::string settings_text(const std::string& path, const Settings& settings) {
  std::string text;
  for (const auto& [name, value] : settings) {
    if (name.empty() || name.find_first_of("=\n") != std::string::npos || value.find('\n') != std::string::npos)
      throw CheckpointError("save_checkpoint " + path + ": setting '" + name + "' cannot be saved (empty name, '=' in "
                            "the name, or a newline)");
    text += name + "=" + value + "\n";
  }
  return text;
}

Settings parse_settings(const std::string& text) {
  Settings out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string line = text.substr(at, end - at);
    const std::size_t eq = line.find('=');
    if (eq != std::string::npos) out.emplace_back(line.substr(0, eq), line.substr(eq + 1));
    at = end + 1;
  }
  return out;
}

bool reserved(const std::string& name) { return name.rfind("meta.", 0) == 0 || name.rfind("optim.", 0) == 0; }

// Collects the problems of a load and the (destination, source) copies to make if there are none.
template <class T>
struct LoadPlan {
  std::map<std::string, const io::Array*> arrays;  // by name
  std::map<std::string, bool> used;                // names consumed by the model or optimiser
  std::vector<std::string> problems;
  std::vector<std::pair<Tensor<T>*, const io::Array*>> copies;

  const io::Array* take(const std::string& name) {
    auto it = arrays.find(name);
    if (it == arrays.end()) return nullptr;
    used[name] = true;
    return it->second;
  }

  // Expects `name` with the dtype of T and the shape of `dst`; records a copy or a problem.
  void expect_tensor(const std::string& what, const std::string& name, Tensor<T>& dst) {
    const io::Array* a = take(name);
    const std::string want = std::string(io::dtype_name(io::dtype_of<T>())) + " " + dst.shape().str();
    if (!a) {
      problems.push_back("missing " + what + " '" + name + "' (expected " + want + ")");
      return;
    }
    const bool dtype_ok = a->dtype() == io::dtype_of<T>();
    const bool shape_ok = a->shape() == dims_of(dst.shape());
    if (dtype_ok && shape_ok) {
      copies.emplace_back(&dst, a);
      return;
    }
    problems.push_back(what + " '" + name + "' is " + io::dtype_name(a->dtype()) + " " + io::shape_string(a->shape()) +
                       ", expected " + want);
  }

  // An int64 () array; returns its value or records a problem.
  std::int64_t expect_int64(const std::string& name) {
    const io::Array* a = take(name);
    if (!a) {
      problems.push_back("missing '" + name + "' (expected int64 ())");
      return 0;
    }
    if (a->dtype() != io::DType::Int64 || !a->shape().empty()) {
      problems.push_back("'" + name + "' is " + std::string(io::dtype_name(a->dtype())) + " " +
                         io::shape_string(a->shape()) + ", expected int64 ()");
      return 0;
    }
    return a->as<std::int64_t>()[0];
  }

  // An int32 (n,) array of UTF-8 bytes; returns the text or records a problem.
  std::string expect_text(const std::string& name) {
    const io::Array* a = take(name);
    if (!a) {
      problems.push_back("missing '" + name + "' (expected int32 (n,) UTF-8 bytes)");
      return {};
    }
    std::string out;
    if (a->dtype() == io::DType::Int32 && a->shape().size() == 1) {
      for (std::int32_t b : a->as<std::int32_t>()) {
        if (b < 0 || b > 255) {
          problems.push_back("'" + name + "' holds " + std::to_string(b) + ", not a byte");
          return {};
        }
        out += static_cast<char>(b);
      }
      return out;
    }
    problems.push_back("'" + name + "' is " + std::string(io::dtype_name(a->dtype())) + " " +
                       io::shape_string(a->shape()) + ", expected int32 (n,)");
    return {};
  }
};

io::NamedArrays open_checkpoint(const std::string& where, const std::string& path) {
  try {
    return io::read_npz(path);
  } catch (const io::IoError& e) {
    throw CheckpointError(where + ": " + e.what());
  }
}

// The format version first: without it nothing else can be trusted.
template <class T>
void check_version(const std::string& where, LoadPlan<T>& plan) {
  if (!plan.arrays.count("meta.version"))
    throw CheckpointError(where + ": not a dynagrad checkpoint (no 'meta.version' array)");
  const std::int64_t version = plan.expect_int64("meta.version");
  if (plan.problems.empty() && version != kCheckpointVersion)
    throw CheckpointError(where + ": format version " + std::to_string(version) + " is not supported (this build reads " +
                          std::to_string(kCheckpointVersion) + ")");
}

// The metadata written by every version-1 save, and the optional settings and values.
template <class T>
CheckpointInfo read_meta(LoadPlan<T>& plan) {
  CheckpointInfo info;
  info.step = plan.expect_int64("meta.step");
  if (info.step < 0) plan.problems.push_back("'meta.step' is " + std::to_string(info.step) + ", a step count must be >= 0");
  info.description = plan.expect_text("meta.description");
  if (plan.arrays.count("meta.settings")) {
    info.settings = parse_settings(plan.expect_text("meta.settings"));
    info.has_settings = true;
  }
  for (const auto& [name, array] : plan.arrays) {
    if (name.rfind("meta.value.", 0) != 0) continue;
    plan.used[name] = true;
    if (array->dtype() != io::DType::Float64 || !array->shape().empty())
      plan.problems.push_back("'" + name + "' is " + std::string(io::dtype_name(array->dtype())) + " " +
                              io::shape_string(array->shape()) + ", expected float64 ()");
    else
      info.values.emplace_back(name.substr(11), array->template as<double>()[0]);
  }
  return info;
}

void throw_problems(const std::string& where, const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string msg = where + ": " + std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems") +
                    " (nothing was loaded):";
  for (const std::string& p : problems) msg += "\n  " + p;
  throw CheckpointError(msg);
}

}  // namespace

template <class T>
void save_checkpoint(const std::string& path, const Module<T>& model, Optimizer<T>* optimizer,
                     const CheckpointInfo& info) {
  io::NamedArrays arrays;
  for (const NamedParameter<T>& p : model.parameters()) {
    if (reserved(p.name))
      throw CheckpointError("save_checkpoint " + path + ": parameter path '" + p.name +
                            "' clashes with the reserved prefixes 'meta.' and 'optim.'");
    arrays.emplace_back(p.name, to_array(p.param->value));
  }
  for (const NamedBuffer<T>& b : model.buffers()) {
    if (reserved(b.name))
      throw CheckpointError("save_checkpoint " + path + ": buffer path '" + b.name +
                            "' clashes with the reserved prefixes 'meta.' and 'optim.'");
    arrays.emplace_back(b.name, to_array(*b.tensor));
  }
  if (optimizer) {
    const std::string prefix = "optim." + optimizer->kind() + ".";
    arrays.emplace_back(prefix + "step", int64_scalar(optimizer->step_count()));
    for (const NamedTensor<T>& s : optimizer->state()) arrays.emplace_back(prefix + s.name, to_array(*s.tensor));
    arrays.emplace_back("meta.optimizer", text_array(optimizer->describe()));
  }
  arrays.emplace_back("meta.version", int64_scalar(kCheckpointVersion));
  arrays.emplace_back("meta.step", int64_scalar(info.step));
  arrays.emplace_back("meta.description", text_array(info.description.empty() ? model.describe_tree() : info.description));
  if (!info.settings.empty()) arrays.emplace_back("meta.settings", text_array(settings_text(path, info.settings)));
  for (const auto& [name, value] : info.values) arrays.emplace_back("meta.value." + name, io::Array::from<double>({}, &value));
  io::write_npz(path, arrays);
}

template <class T>
CheckpointInfo load_checkpoint(const std::string& path, Module<T>& model, Optimizer<T>* optimizer) {
  const std::string where = "load_checkpoint " + path;
  const io::NamedArrays file = open_checkpoint(where, path);
  LoadPlan<T> plan;
  for (const auto& [name, array] : file) plan.arrays[name] = &array;
  check_version(where, plan);

  // Every parameter, then the optimiser's step count and state.
  for (const NamedParameter<T>& p : model.parameters()) plan.expect_tensor("parameter", p.name, p.param->value);
  for (const NamedBuffer<T>& b : model.buffers()) plan.expect_tensor("buffer", b.name, *b.tensor);
  std::int64_t optimizer_steps = 0;
  if (optimizer) {
    const std::string prefix = "optim." + optimizer->kind() + ".";
    if (!plan.arrays.count(prefix + "step")) {
      // Name the optimiser kinds the file does hold: "optim.<kind>.<...>".
      std::string found;
      for (const auto& entry : plan.arrays) {
        if (entry.first.rfind("optim.", 0) != 0) continue;
        const std::string kind = entry.first.substr(6, entry.first.find('.', 6) - 6);
        if (found.find("'" + kind + "'") == std::string::npos) found += (found.empty() ? "'" : ", '") + kind + "'";
      }
      plan.problems.push_back("no state for optimizer '" + optimizer->kind() + "'" +
                              (found.empty() ? " (the file has no optimizer state)" : " (the file has " + found + ")"));
    } else {
      optimizer_steps = plan.expect_int64(prefix + "step");
      if (optimizer_steps < 0) plan.problems.push_back("'" + prefix + "step' is negative");
      for (const NamedTensor<T>& s : optimizer->state()) plan.expect_tensor("optimizer state", prefix + s.name, *s.tensor);
    }
  }
  // The metadata written by every version-1 save.
  const CheckpointInfo info = read_meta(plan);
  // Arrays the model does not know (optimiser state is ignored when no optimiser is loaded).
  for (const auto& entry : plan.arrays)
    if (!plan.used.count(entry.first) && !reserved(entry.first))
      plan.problems.push_back("unexpected array '" + entry.first + "' (not a parameter of the model)");
  throw_problems(where, plan.problems);

  // All checked: copy.
  for (auto& [dst, src] : plan.copies) {
    const std::span<const T> values = src->template as<T>();
    if (dst->device() != Device::CPU)
      device_copy(dst->data(), dst->device(), values.data(), Device::CPU, values.size_bytes());
    else
      std::copy(values.begin(), values.end(), dst->data());
  }
  if (optimizer) optimizer->set_step_count(optimizer_steps);
  return info;
}

CheckpointInfo read_checkpoint_info(const std::string& path) {
  const std::string where = "read_checkpoint_info " + path;
  const io::NamedArrays file = open_checkpoint(where, path);
  LoadPlan<float> plan;
  for (const auto& [name, array] : file) plan.arrays[name] = &array;
  check_version(where, plan);
  const CheckpointInfo info = read_meta(plan);
  throw_problems(where, plan.problems);
  return info;
}

template void save_checkpoint<float>(const std::string&, const Module<float>&, Optimizer<float>*, const CheckpointInfo&);
template void save_checkpoint<double>(const std::string&, const Module<double>&, Optimizer<double>*,
                                      const CheckpointInfo&);
template CheckpointInfo load_checkpoint<float>(const std::string&, Module<float>&, Optimizer<float>*);
template CheckpointInfo load_checkpoint<double>(const std::string&, Module<double>&, Optimizer<double>*);

}  // namespace dg::nn
