// Checkpoints: a save -> load round trip is bitwise (parameters, optimiser state, step counts) and
// training continues identically after it; every mismatch (shape, missing, unexpected, dtype,
// optimiser kind) is named in one error and nothing is loaded; truncated or corrupt files give a
// clear error; a save killed midway (SIGKILL) leaves the previous file intact and loadable.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "io/file.hpp"
#include "io/npy.hpp"
#include "nn/adam.hpp"
#include "nn/checkpoint.hpp"
#include "nn/linear.hpp"
#include "nn/loss.hpp"
#include "nn/mlp.hpp"
#include "nn/sgd.hpp"

using namespace dg;
using namespace dg::nn;
namespace fs = std::filesystem;

namespace {

// A fresh folder, removed at the end of the test.
struct Scratch {
  fs::path dir;
  Scratch() {
    std::string tmpl = (fs::temp_directory_path() / "dg_nn_checkpoint_XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

template <class T>
bool same_bits(const Tensor<T>& a, const Tensor<T>& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.bytes()) == 0;
}

// k full-batch Adam/SGD steps of net on a fixed 1-D regression problem.
template <class T>
void train(MLP<T>& net, Optimizer<T>& opt, int k) {
  Tensor<T> x(Shape{32, 1}), y(Shape{32, 1});
  for (index_t i = 0; i < 32; ++i) x[i] = T(-2 + 4 * double(i) / 31), y[i] = T(std::cos(3 * double(x[i])));
  Tape<T> tape;
  for (int s = 0; s < k; ++s) {
    tape.reset();
    Var<T> loss = mse_loss(net(tape, tape.constant(x)), tape.constant(y));
    opt.zero_grad();
    tape.backward(loss);
    opt.step();
  }
}

template <class T>
void check_same_models(MLP<T>& a, MLP<T>& b) {
  const auto pa = a.parameters(), pb = b.parameters();
  REQUIRE(pa.size() == pb.size());
  for (std::size_t k = 0; k < pa.size(); ++k) {
    CAPTURE(pa[k].name);
    CHECK(same_bits(pa[k].param->value, pb[k].param->value));
  }
}

const std::vector<index_t> kWidths = {1, 16, 16, 1};

}  // namespace

TEST_CASE_TEMPLATE("save -> load is bitwise and training continues identically (Adam, AdamW, SGD)", T, float, double) {
  Scratch scratch;
  for (int which = 0; which < 3; ++which) {
    CAPTURE(which);
    auto make_opt = [&](MLP<T>& net) -> std::unique_ptr<Optimizer<T>> {
      if (which == 0) return std::make_unique<Adam<T>>(net.parameters(), AdamOptions{.lr = 1e-2});
      if (which == 1) return std::make_unique<AdamW<T>>(net.parameters(), AdamOptions{.lr = 1e-2, .weight_decay = 0.01});
      return std::make_unique<SGD<T>>(net.parameters(), SGDOptions{.lr = 1e-2, .momentum = 0.9, .nesterov = true});
    };
    Philox rng(1);
    MLP<T> net(kWidths, rng);
    auto opt = make_opt(net);
    train(net, *opt, 5);
    const std::string path = scratch / "model.npz";
    save_checkpoint(path, net, *opt, {.description = "sine model", .step = 5});

    // A differently initialised copy, loaded from the file.
    Philox other(99);
    MLP<T> copy(kWidths, other);
    auto copy_opt = make_opt(copy);
    const CheckpointInfo info = load_checkpoint(path, copy, *copy_opt);
    CHECK(info.step == 5);
    CHECK(info.description == "sine model");
    CHECK(copy_opt->step_count() == 5);
    check_same_models(net, copy);
    const auto sa = opt->state(), sb = copy_opt->state();
    REQUIRE(sa.size() == sb.size());
    REQUIRE(!sa.empty());
    for (std::size_t k = 0; k < sa.size(); ++k) {
      CAPTURE(sa[k].name);
      CHECK(same_bits(*sa[k].tensor, *sb[k].tensor));
    }
    // Both continue the same way, bit for bit.
    train(net, *opt, 4);
    train(copy, *copy_opt, 4);
    check_same_models(net, copy);
  }
}

TEST_CASE("the file is a plain .npz with the documented names") {
  Scratch scratch;
  Philox rng(2);
  MLP<float> net({2, 3, 1}, rng);
  Adam<float> opt(net.parameters());
  save_checkpoint(scratch / "c.npz", net, opt, {.step = 42});
  const io::NamedArrays arrays = io::read_npz(scratch / "c.npz");
  std::vector<std::string> names;
  for (const auto& [name, a] : arrays) names.push_back(name);
  const std::vector<std::string> want = {"layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                                         "optim.adam.step", "optim.adam.m.layers.0.weight", "optim.adam.m.layers.0.bias",
                                         "optim.adam.m.layers.1.weight", "optim.adam.m.layers.1.bias",
                                         "optim.adam.v.layers.0.weight", "optim.adam.v.layers.0.bias",
                                         "optim.adam.v.layers.1.weight", "optim.adam.v.layers.1.bias", "meta.optimizer",
                                         "meta.version", "meta.step", "meta.description"};
  CHECK(names == want);
  const io::Array& w = io::find(arrays, "layers.0.weight", "c.npz");
  CHECK(w.dtype() == io::DType::Float32);
  CHECK(w.shape() == std::vector<std::int64_t>{2, 3});
  CHECK(io::find(arrays, "meta.version", "c.npz").as<std::int64_t>()[0] == 1);
  CHECK(io::find(arrays, "meta.step", "c.npz").as<std::int64_t>()[0] == 42);
  // The default description is the model tree.
  std::string text;
  for (std::int32_t b : io::find(arrays, "meta.description", "c.npz").as<std::int32_t>()) text += char(b);
  CHECK(text == net.describe_tree());
}

TEST_CASE("every mismatch is named in one error and nothing is loaded") {
  Scratch scratch;
  const std::string path = scratch / "small.npz";
  Philox rng(3);
  MLP<float> saved({2, 4, 1}, rng);
  save_checkpoint(path, saved);

  // Wrong shapes: a wider hidden layer changes three of the four arrays.
  MLP<float> wider({2, 5, 1}, rng);
  const Tensor<float> before = wider.layers[0].weight.value;
  try {
    load_checkpoint(path, wider);
    FAIL("no error");
  } catch (const CheckpointError& e) {
    const std::string msg = e.what();
    CHECK(msg.rfind("load_checkpoint " + path + ": 3 problems (nothing was loaded):", 0) == 0);
    CHECK(msg.find("parameter 'layers.0.weight' is float32 (2, 4), expected float32 (2, 5)") != std::string::npos);
    CHECK(msg.find("parameter 'layers.0.bias' is float32 (4,), expected float32 (5,)") != std::string::npos);
    CHECK(msg.find("parameter 'layers.1.weight' is float32 (4, 1), expected float32 (5, 1)") != std::string::npos);
  }
  CHECK(same_bits(wider.layers[0].weight.value, before));

  // A missing name and an unexpected one.
  Linear<float> with_bias(3, 2, rng), without_bias(3, 2, rng, {.bias = false});
  save_checkpoint(scratch / "nobias.npz", without_bias);
  CHECK_THROWS_WITH_AS(load_checkpoint(scratch / "nobias.npz", with_bias),
                       doctest::Contains("missing parameter 'bias' (expected float32 (2,))"), CheckpointError);
  save_checkpoint(scratch / "bias.npz", with_bias);
  CHECK_THROWS_WITH_AS(load_checkpoint(scratch / "bias.npz", without_bias),
                       doctest::Contains("unexpected array 'bias' (not a parameter of the model)"), CheckpointError);

  // A wrong dtype: a double model into a float one.
  Linear<double> dbl(3, 2, rng);
  save_checkpoint(scratch / "double.npz", dbl);
  CHECK_THROWS_WITH_AS(load_checkpoint(scratch / "double.npz", with_bias),
                       doctest::Contains("parameter 'weight' is float64 (3, 2), expected float32 (3, 2)"),
                       CheckpointError);

  // Optimiser state of another kind, or none.
  MLP<float> net({2, 4, 1}, rng);
  Adam<float> adam(net.parameters());
  SGD<float> sgd(net.parameters(), {.momentum = 0.9});
  save_checkpoint(scratch / "adam.npz", net, adam);
  CHECK_THROWS_WITH_AS(load_checkpoint(scratch / "adam.npz", net, sgd),
                       doctest::Contains("no state for optimizer 'sgd' (the file has 'adam')"), CheckpointError);
  CHECK_THROWS_WITH_AS(load_checkpoint(path, net, adam),
                       doctest::Contains("no state for optimizer 'adam' (the file has no optimizer state)"),
                       CheckpointError);
  CHECK_NOTHROW(load_checkpoint(scratch / "adam.npz", net));  // the model alone is fine

  // Reserved names cannot be parameter paths.
  struct Clash : Module<float> {
    Parameter<float> p{Shape{1}};
    Linear<float> meta;
    explicit Clash(Philox& r) : meta(1, 1, r) { register_module("meta", meta); }
  } clash(rng);
  CHECK_THROWS_WITH_AS(save_checkpoint(scratch / "clash.npz", clash), doctest::Contains("'meta.weight' clashes"),
                       CheckpointError);
}

TEST_CASE("truncated, corrupt, foreign or missing files give a clear error") {
  Scratch scratch;
  Philox rng(4);
  MLP<float> net({2, 8, 1}, rng);
  const std::string good = scratch / "good.npz";
  save_checkpoint(good, net);
  const std::vector<std::byte> bytes = io::read_file(good);

  // Every truncation point in a spread of lengths fails cleanly, naming the file.
  for (std::size_t keep : {std::size_t(0), std::size_t(10), bytes.size() / 3, bytes.size() / 2, bytes.size() - 1}) {
    CAPTURE(keep);
    const std::string cut = scratch / "cut.npz";
    io::write_file_atomic(cut, std::span<const std::byte>(bytes.data(), keep));
    CHECK_THROWS_WITH_AS(load_checkpoint(cut, net), doctest::Contains(("load_checkpoint " + cut + ": ").c_str()), CheckpointError);
  }
  // A flipped byte inside the first array's values: the zip CRC catches it.
  std::vector<std::byte> flipped = bytes;
  flipped[200] ^= std::byte{0x40};
  io::write_file_atomic(scratch / "flipped.npz", flipped);
  CHECK_THROWS_AS(load_checkpoint(scratch / "flipped.npz", net), CheckpointError);
  // An .npz that is not a checkpoint, and no file at all.
  io::write_npz(scratch / "other.npz", {{"x", io::Array::from<float>({1}, std::vector<float>{1.0f})}});
  CHECK_THROWS_WITH_AS(load_checkpoint(scratch / "other.npz", net),
                       doctest::Contains("not a dynagrad checkpoint (no 'meta.version' array)"), CheckpointError);
  CHECK_THROWS_AS(load_checkpoint(scratch / "absent.npz", net), CheckpointError);
  // The model is unchanged by all of this and the good file still loads.
  CHECK_NOTHROW(load_checkpoint(good, net));
}

TEST_CASE("settings and values round-trip; a negative meta.step is an error naming the file and the field") {
  Scratch scratch;
  Philox rng(6);
  MLP<float> net({2, 4, 1}, rng);
  const std::string path = scratch / "c.npz";
  save_checkpoint(path, net, {.step = 7, .settings = {{"lr", "0.003"}, {"data", "a b=c"}}, .values = {{"sum", 0.1}}});
  const CheckpointInfo info = load_checkpoint(path, net);
  CHECK(info.step == 7);
  CHECK(info.has_settings);
  CHECK(info.settings == Settings{{"lr", "0.003"}, {"data", "a b=c"}});
  REQUIRE(info.values.size() == 1);
  CHECK(info.values[0].first == "sum");
  CHECK(info.values[0].second == 0.1);
  // A file without settings (as every file before them) loads, and says so.
  save_checkpoint(path, net, {.step = 7});
  CHECK_FALSE(load_checkpoint(path, net).has_settings);
  CHECK_THROWS_AS(save_checkpoint(path, net, {.settings = {{"a=b", "1"}}}), CheckpointError);

  // meta.step rewritten to -3: refused, naming the file and the field; nothing is loaded.
  io::NamedArrays arrays = io::read_npz(path);
  for (auto& [name, a] : arrays)
    if (name == "meta.step") {
      const std::int64_t minus = -3;
      a = io::Array::from<std::int64_t>({}, &minus);
    }
  io::write_npz(path, arrays);
  CHECK_THROWS_WITH_AS(load_checkpoint(path, net),
                       doctest::Contains(("load_checkpoint " + path + ": 1 problem (nothing was loaded):\n  'meta.step' is -3")
                                             .c_str()),
                       CheckpointError);
}

TEST_CASE("a save killed midway leaves the previous checkpoint intact") {
  Scratch scratch;
  const std::string path = scratch / "big.npz";
  // About 16 MB of float32 parameters: a save takes long enough to be interrupted.
  Philox rng(5);
  Linear<float> big(2000, 2000, rng);
  save_checkpoint(path, big, {.step = 1});
  const Tensor<float> old_weight = big.weight.value;

  // Three times: a child overwrites the checkpoint with other values in a loop; the parent waits
  // until the child's temporary file appears (a write is under way), then kills it at once or a
  // few milliseconds later, and checks the target.
  auto temp_files = [&] {
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(scratch.dir))
      if (e.path().filename().string().find(".tmp-") != std::string::npos) found.push_back(e.path());
    return found;
  };
  int interrupted = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    CAPTURE(attempt);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      big.weight.value.fill(7.0f);
      for (;;) save_checkpoint(path, big, {.step = 2});
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (temp_files().empty() && std::chrono::steady_clock::now() < deadline) ::usleep(200);
    ::usleep(static_cast<useconds_t>(2000 * attempt));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));
    // The file is a whole checkpoint: either the old one, or a completed save of the child.
    Linear<float> loaded(2000, 2000, rng);
    const CheckpointInfo info = load_checkpoint(path, loaded);
    if (info.step == 1) CHECK(same_bits(loaded.weight.value, old_weight));
    else CHECK(loaded.weight.value[12345] == 7.0f);
    // Remove the child's temporary file (counting the kills that hit a write) and restore.
    for (const fs::path& p : temp_files()) ++interrupted, fs::remove(p);
    save_checkpoint(path, big, {.step = 1});
  }
  CHECK(interrupted >= 2);
}
