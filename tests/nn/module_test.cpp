// Modules: hierarchical names, deterministic order, lookup, counting, zero_grad, modes, name checks.
#include <doctest/doctest.h>

#include "nn/dropout.hpp"
#include "nn/linear.hpp"
#include "nn/mlp.hpp"
#include "nn/module_list.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

// A two-level model: encoder (ModuleList of MLPs), a head Linear and a free parameter.
struct Model : Module<float> {
  ModuleList<MLP<float>> encoder;
  Linear<float> head;
  Dropout<float> drop;
  Parameter<float> scale{Shape{1}};
  explicit Model(Philox& rng) : head(4, 2, rng), drop(0.5, 1) {
    register_parameter("scale", scale);
    for (int i = 0; i < 3; ++i) encoder.emplace_back(std::vector<index_t>{4, 8, 4}, rng);
    register_module("encoder", encoder);
    register_module("head", head);
    register_module("drop", drop);
  }
  std::string describe() const override { return "Model"; }
};

struct BadNames : Module<float> {
  Parameter<float> a{Shape{1}}, b{Shape{1}};
  explicit BadNames(const char* second) {
    register_parameter("a", a);
    register_parameter(second, b);
  }
};

}  // namespace

TEST_CASE("parameters have hierarchical paths in registration order") {
  Philox rng(1);
  Model m(rng);
  const auto params = m.parameters();
  REQUIRE(params.size() == 1 + 3 * 4 + 2);
  CHECK(params[0].name == "scale");
  CHECK(params[1].name == "encoder.0.layers.0.weight");
  CHECK(params[4].name == "encoder.0.layers.1.bias");
  CHECK(params[12].name == "encoder.2.layers.1.bias");
  CHECK(params[13].name == "head.weight");
  CHECK(params[14].name == "head.bias");
  CHECK(m.parameter_count() == params.size());
  CHECK(m.parameter_numel() == 1 + 3 * (4 * 8 + 8 + 8 * 4 + 4) + 4 * 2 + 2);
  CHECK(m.find_parameter("encoder.2.layers.1.bias") == &m.encoder[2].layers[1].bias);
  CHECK(m.find_parameter("head.weight") == &m.head.weight);
  CHECK(m.find_parameter("head.nothing") == nullptr);
  CHECK(m.find_parameter("encoder.7.layers.0.weight") == nullptr);
  CHECK(m.find_parameter("encoder") == nullptr);
  // Two models from the same seed are the same, parameter by parameter.
  Philox rng2(1);
  Model m2(rng2);
  const auto params2 = m2.parameters();
  for (std::size_t k = 0; k < params.size(); ++k) CHECK(params[k].param->value.to_vector() == params2[k].param->value.to_vector());
}

TEST_CASE("zero_grad, train and eval reach every descendant") {
  Philox rng(2);
  Model m(rng);
  for (auto& p : m.parameters()) p.param->grad.fill(3.0f);
  m.zero_grad();
  for (auto& p : m.parameters())
    for (index_t i = 0; i < p.param->grad.numel(); ++i) REQUIRE(p.param->grad[i] == 0.0f);
  m.eval();
  CHECK(!m.training());
  CHECK(!m.encoder[1].layers[0].training());
  CHECK(!m.drop.training());
  m.train();
  CHECK(m.drop.training());
}

TEST_CASE("describe_tree lists the module tree") {
  Philox rng(3);
  Model m(rng);
  const std::string tree = m.describe_tree();
  CHECK(tree.rfind("Model\n  encoder: ModuleList(3)\n    0: MLP([4, 8, 4], silu)\n      layers: ModuleList(2)\n", 0) == 0);
  CHECK(tree.find("  head: Linear(4, 2, bias)\n") != std::string::npos);
}

TEST_CASE("bad or repeated names are rejected") {
  CHECK_THROWS_WITH_AS(BadNames("a"), doctest::Contains("name 'a' is already a parameter"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(BadNames("x.y"), doctest::Contains("must not contain '.'"), std::invalid_argument);
  CHECK_THROWS_AS(BadNames(""), std::invalid_argument);
  CHECK_NOTHROW(BadNames("b"));
}
