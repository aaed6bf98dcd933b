// egnn_nbody's training (examples/egnn_nbody/train.hpp) interrupted and resumed from its
// checkpoint ends with the same bits as one run never interrupted: the same per-epoch record,
// the same best epoch and test MSE, the same checkpoint file, byte for byte. Also after a "kill"
// between two checkpoints (the curve file then holds rows beyond the checkpoint, which the resume
// must drop), and a resume with other settings is refused. A tiny budget: 40 simulations, a
// 2-layer EGNN of 8 features, 6 epochs of 4 steps.
#include <doctest/doctest.h>

#include <filesystem>

#include "examples/egnn_nbody/train.hpp"
#include "io/file.hpp"

using namespace dg;
using namespace dg::egnn_nbody;
namespace fs = std::filesystem;

namespace {

struct Run {
  TrainResult result;
  std::string checkpoint, curve;  // the files' paths
};

const NBodyData& tiny_data() {
  static const NBodyData data = load_nbody("", 40, 20, 20, 5);
  return data;
}

// Trains a fresh model (the same initial parameters every time) in folder `dir`.
Run train_in(const fs::path& dir, std::int64_t stop_after, bool resume, double lr = 1e-3) {
  fs::create_directories(dir);
  datasets::WindowLoader<float> train_loader(tiny_data().train, task_windows(30, 40, 10, true, 3));
  datasets::WindowLoader<float> val_loader(tiny_data().val, task_windows(30, 40, 10, false, 0));
  datasets::WindowLoader<float> test_loader(tiny_data().test, task_windows(30, 40, 10, false, 0));
  Philox rng(9, 1);
  EGNNModel model(8, 2, rng);
  nn::ProgressLine progress(true);
  const Run paths{{}, (dir / "checkpoint.npz").string(), (dir / "training.csv").string()};
  const TrainSettings s{.name = "egnn",
                        .epochs = 6,
                        .batch = 10,
                        .eval_every = 2,
                        .lr = lr,
                        .weight_decay = 0,
                        .clip = 1,
                        .cosine = true,
                        .seed = 3,
                        .checkpoint_path = paths.checkpoint,
                        .curve_path = paths.curve,
                        .checkpoint_every = 2,
                        .resume = resume,
                        .settings = {{"lr", std::to_string(lr)}},
                        .allow_changed_settings = false,
                        .stop_after = stop_after};
  return {train(model, train_loader, val_loader, test_loader, s, progress, 1, 1), paths.checkpoint, paths.curve};
}

// The curve file without its seconds column (the last), which is the one timing in it.
std::string curve_without_seconds(const std::string& path) {
  std::string out;
  const std::string text = io::read_text_file(path);
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end - at);
    out += line.substr(0, line.rfind(',')) + "\n";
    at = end + 1;
  }
  return out;
}

void check_same(const Run& a, const Run& b) {
  CHECK(a.result.train_loss == b.result.train_loss);
  CHECK(a.result.max_grad_norm == b.result.max_grad_norm);
  CHECK(a.result.val_epoch == b.result.val_epoch);
  CHECK(a.result.val_mse == b.result.val_mse);
  CHECK(a.result.best_epoch == b.result.best_epoch);
  CHECK(a.result.best_val == b.result.best_val);
  CHECK(a.result.test_mse == b.result.test_mse);
  CHECK(io::read_text_file(a.checkpoint) == io::read_text_file(b.checkpoint));
  CHECK(curve_without_seconds(a.curve) == curve_without_seconds(b.curve));
}

}  // namespace

TEST_CASE("egnn_nbody: training interrupted and resumed ends with the same bits as one run") {
  const fs::path root = fs::temp_directory_path() / "dg_egnn_resume";
  fs::remove_all(root);
  const Run straight = train_in(root / "straight", -1, false);
  REQUIRE(straight.result.train_loss.size() == 6);
  CHECK_FALSE(straight.result.stopped);
  CHECK(straight.result.val_epoch == std::vector<std::int64_t>{2, 4, 6});
  CHECK(std::isfinite(straight.result.test_mse));
  CHECK(straight.result.test_mse > 0);

  SUBCASE("stopped after 3 epochs, resumed") {
    const Run first = train_in(root / "stopped", 3, false);
    CHECK(first.result.stopped);
    CHECK(first.result.train_loss.size() == 3);
    const Run resumed = train_in(root / "stopped", -1, true);
    CHECK(resumed.result.resumed_from == 3);
    CHECK_FALSE(resumed.result.stopped);
    check_same(straight, resumed);
    const Run again = train_in(root / "stopped", -1, true);  // already at the end: nothing to train
    CHECK(again.result.resumed_from == 6);
    check_same(straight, again);
  }
  SUBCASE("killed after epoch 3 with the last checkpoint at epoch 2") {
    const fs::path dir = root / "killed";
    const Run first = train_in(dir, 2, false);
    fs::copy_file(first.checkpoint, dir / "epoch2.npz");
    train_in(dir, 1, true);  // epoch 3: its curve row is written, then the checkpoint at epoch 3
    fs::copy_file(dir / "epoch2.npz", first.checkpoint, fs::copy_options::overwrite_existing);
    const Run resumed = train_in(dir, -1, true);  // from epoch 2, dropping the row of epoch 3
    CHECK(resumed.result.resumed_from == 2);
    check_same(straight, resumed);
  }
  SUBCASE("a resume with another learning rate is refused") {
    train_in(root / "other", 2, false);
    CHECK_THROWS_AS(train_in(root / "other", -1, true, 2e-3), nn::CheckpointError);
  }
  fs::remove_all(root);
}
