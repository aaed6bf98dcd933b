// StepTrainer: one step equals the hand-written step bit for bit; a non-finite loss is an error
// naming the step; a run killed after a checkpoint and resumed ends with the same parameters,
// metrics rows (each step once) and final loss as one run; a resume with other settings is refused
// naming the setting; a checkpoint beyond the run is refused.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <unistd.h>

#include "io/error.hpp"
#include "nn/adam.hpp"
#include "nn/loss.hpp"
#include "nn/mlp.hpp"
#include "nn/step_trainer.hpp"

using namespace dg;
using namespace dg::nn;
namespace fs = std::filesystem;

namespace {

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("dg_step_trainer_" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// 1-D regression; the batch of step s is the rows s % 4, s % 4 + 4, ... (so a resumed run sees
// the same batches).
struct Problem {
  Tensor<float> x{Shape{32, 1}}, y{Shape{32, 1}};
  Problem() {
    for (index_t i = 0; i < 32; ++i) x[i] = float(-2 + 4 * double(i) / 31), y[i] = float(std::sin(2 * double(x[i])));
  }
  Tensor<float> rows(const Tensor<float>& t, std::int64_t step) const {
    Tensor<float> out(Shape{8, 1});
    for (index_t k = 0; k < 8; ++k) out[k] = t[step % 4 + 4 * k];
    return out;
  }
};

struct Run {
  std::unique_ptr<MLP<float>> net;
  std::unique_ptr<Adam<float>> opt;
  std::unique_ptr<StepTrainer<float>> trainer;
  Run(const StepTrainerOptions& o) {
    Philox rng(3);
    net = std::make_unique<MLP<float>>(std::vector<index_t>{1, 16, 1}, rng);
    opt = std::make_unique<Adam<float>>(net->parameters());
    trainer = std::make_unique<StepTrainer<float>>(*net, *opt, o);
  }
  // Steps until the trainer stops or `limit` steps of this run have been taken.
  void steps(const Problem& p, std::int64_t limit = 1 << 30) {
    for (std::int64_t k = 0; k < limit && trainer->running(); ++k) {
      const std::int64_t s = trainer->step();
      const Tensor<float> xb = p.rows(p.x, s), yb = p.rows(p.y, s);
      trainer->train_step([&](Tape<float>& t) { return mse_loss((*net)(t, t.constant(xb)), t.constant(yb)); });
    }
  }
  std::vector<float> values() const {
    std::vector<float> out;
    for (const auto& np : net->parameters())
      out.insert(out.end(), np.param->value.data(), np.param->value.data() + np.param->value.numel());
    return out;
  }
};

StepTrainerOptions options(const Scratch& s, const std::string& name) {
  return {.name = "net",
          .steps = 20,
          .clip_norm = 1.0,
          .schedule = warmup(cosine_schedule(1e-2, 18), 2),
          .metrics_path = s / (name + ".csv"),
          .log_every = 1,
          .final_loss_steps = 8,
          .checkpoint_path = s / (name + ".npz"),
          .checkpoint_every = 5,
          .resume = true,
          .settings = {{"lr", "0.01"}, {"seed", "3"}}};
}

}  // namespace

TEST_CASE("a StepTrainer step is the hand-written step, bit for bit") {
  const Problem p;
  Run run({.steps = 6, .clip_norm = 0.5, .schedule = warmup(cosine_schedule(1e-2, 6), 2)});
  run.steps(p);
  Philox rng(3);
  MLP<float> net({1, 16, 1}, rng);
  Adam<float> opt(net.parameters());
  const Schedule schedule = warmup(cosine_schedule(1e-2, 6), 2);
  Tape<float> tape;
  for (std::int64_t s = 0; s < 6; ++s) {
    tape.reset();
    Var<float> loss = mse_loss(net(tape, tape.constant(p.rows(p.x, s))), tape.constant(p.rows(p.y, s)));
    opt.zero_grad();
    tape.backward(loss);
    clip_grad_norm(opt.parameters(), 0.5);
    opt.set_lr(schedule(opt.step_count()));
    opt.step();
  }
  std::vector<float> hand;
  for (const auto& np : net.parameters())
    hand.insert(hand.end(), np.param->value.data(), np.param->value.data() + np.param->value.numel());
  CHECK(run.values() == hand);
  CHECK(run.trainer->step() == 6);
}

TEST_CASE("a non-finite loss is an error naming the step, and nothing is updated") {
  const Problem p;
  Run run({.name = "model A", .steps = 10});
  run.steps(p, 3);
  const std::vector<float> before = run.values();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // The tape's own finite check (on by default in the sanitizer build) would stop at the op; the
  // trainer's check of the loss is the one under test.
  CHECK_THROWS_WITH_AS(run.trainer->train_step([&](Tape<float>& t) {
    t.set_check_finite(false);
    return sum(t.constant(p.x)) * nan;
  }),
                       doctest::Contains("model A: the loss is nan at step 3"), NonFiniteLoss);
  CHECK(run.values() == before);
  CHECK(run.trainer->step() == 3);
}

TEST_CASE("killed after a checkpoint and resumed: same parameters, rows and final loss as one run") {
  Scratch s;
  const Problem p;
  Run whole(options(s, "whole"));
  whole.steps(p);
  const TrainSummary all = whole.trainer->finish();
  CHECK(all.first_step == 0);
  CHECK(all.last_step == 20);

  // Killed at step 13: the last checkpoint is at step 10, the CSV holds rows up to 13.
  {
    Run killed(options(s, "cut"));
    killed.steps(p, 13);
  }  // no finish(): as a SIGKILL
  CHECK(lines_of(s / "cut.csv").size() == 14);
  Run resumed(options(s, "cut"));
  CHECK(resumed.trainer->step() == 10);
  CHECK(lines_of(s / "cut.csv").size() == 11);  // cut back to the checkpoint's step
  resumed.steps(p);
  const TrainSummary rest = resumed.trainer->finish();
  CHECK(rest.resumed);
  CHECK(rest.first_step == 10);
  CHECK(resumed.values() == whole.values());
  CHECK(rest.final_loss == all.final_loss);  // steps 12..19, two processes
  // Each step's row exactly once, with the same loss as the run in one piece.
  const auto a = lines_of(s / "whole.csv"), b = lines_of(s / "cut.csv");
  REQUIRE(a.size() == 21);
  REQUIRE(b.size() == 21);
  for (std::size_t k = 0; k < a.size(); ++k) CHECK(a[k].substr(0, a[k].rfind(',')) == b[k].substr(0, b[k].rfind(',')));
  CHECK(resumed.trainer->rows().size() == 20 * 4);
  CHECK(resumed.trainer->rows() .at(4 * 19 + 1) == whole.trainer->rows().at(4 * 19 + 1));

  // Resumed at the last step: nothing to run, the same final loss (was 0 before it was saved).
  Run again(options(s, "cut"));
  CHECK_FALSE(again.trainer->running());
  CHECK(again.trainer->finish().final_loss == all.final_loss);
}

TEST_CASE("a resume with other settings is refused, naming the setting, unless allowed") {
  Scratch s;
  const Problem p;
  {
    Run first(options(s, "r"));
    first.steps(p, 5);
  }
  StepTrainerOptions other = options(s, "r");
  other.settings = {{"lr", "0.02"}, {"seed", "3"}};
  other.override_hint = "pass --allow-changed-settings";
  CHECK_THROWS_WITH_AS(Run{other}, doctest::Contains("lr 0.01 in the checkpoint, 0.02 now"), CheckpointError);
  CHECK_THROWS_WITH_AS(Run{other}, doctest::Contains("pass --allow-changed-settings"), CheckpointError);
  {  // refused before anything is loaded: the model keeps its own values
    Philox rng(9);
    MLP<float> net({1, 16, 1}, rng);
    Adam<float> opt(net.parameters());
    const std::vector<float> before = net.parameters()[0].param->value.to_vector();
    CHECK_THROWS_AS(StepTrainer<float>(net, opt, other), CheckpointError);
    CHECK(net.parameters()[0].param->value.to_vector() == before);
    CHECK(opt.step_count() == 0);
  }
  other.allow_changed_settings = true;
  Run allowed(other);
  CHECK(allowed.trainer->step() == 5);
  // A checkpoint saved beyond the run's steps.
  StepTrainerOptions shorter = options(s, "r");
  shorter.steps = 4;
  CHECK_THROWS_WITH_AS(Run{shorter}, doctest::Contains("saved at step 5, beyond the run's 4 steps"), CheckpointError);
}

TEST_CASE("truncate_metrics keeps the rows up to a step, in CSV and JSON lines, and drops a cut-off row") {
  Scratch s;
  const std::vector<std::string> columns = {"step", "loss"};
  {
    std::ofstream csv(s / "m.csv");
    csv << "step,loss\n10,0.5\n20,nan\n30,0.25\n4";  // the last row cut off by a kill
  }
  const std::vector<double> rows = truncate_metrics(s / "m.csv", columns, 20);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == 10);
  CHECK(rows[1] == 0.5);
  CHECK(std::isnan(rows[3]));
  CHECK(lines_of(s / "m.csv") == std::vector<std::string>{"step,loss", "10,0.5", "20,nan"});
  {
    std::ofstream json(s / "m.jsonl");
    json << "{\"step\": 10, \"loss\": 0.5}\n{\"step\": 20, \"loss\": null}\n{\"step\": 30, \"loss\": 1}\n";
  }
  CHECK(truncate_metrics(s / "m.jsonl", columns, 10) == std::vector<double>{10, 0.5});
  CHECK(lines_of(s / "m.jsonl").size() == 1);
  CHECK(truncate_metrics(s / "absent.csv", columns, 10).empty());
  CHECK_THROWS_WITH_AS(truncate_metrics(s / "m.csv", {"step", "val"}, 10), doctest::Contains("differs from 'step,val'"),
                       io::IoError);
  CHECK_THROWS_AS(truncate_metrics(s / "m.csv", {"epoch", "loss"}, 10), std::invalid_argument);
}
