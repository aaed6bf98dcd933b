// --models: the comma-separated list of the models an experiment trains, parsed into its model
// kinds (header only). An unknown name or an empty list is std::invalid_argument (exit status 2)
// naming the option and listing the models there are.
//
//   const std::vector<ModelKind> kinds =
//       examples::parse_models(models, {ModelKind::Field, ModelKind::NoField}, model_name);
#pragma once

#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace dg::examples {

// `all`: every kind the experiment has, in the order the error lists them; name(kind) its name.
template <class Kind>
std::vector<Kind> parse_models(const std::string& list, std::initializer_list<Kind> all, const char* (*name)(Kind)) {
  std::string names;
  for (Kind k : all) names += (names.empty() ? "" : ", ") + std::string(name(k));
  std::vector<Kind> kinds;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    bool found = false;
    for (Kind k : all)
      if (item == name(k)) kinds.push_back(k), found = true;
    if (!found) throw std::invalid_argument("--models: unknown model '" + item + "' (models: " + names + ")");
  }
  if (kinds.empty()) throw std::invalid_argument("--models: no model given");
  return kinds;
}

}  // namespace dg::examples
