// egnn_nbody: the charged n-body experiment of Satorras, Hoogeboom and Welling, "E(n) Equivariant
// Graph Neural Networks" (ICML 2021): from the positions, velocities and charges of 5 particles
// at frame 30, predict their positions at frame 40 (1.0 time unit later). Three models:
//
//   egnn    4 EGNN velocity layers, 64 features, SiLU; node input |v|, edge attributes
//           [q_i q_j, |x_i - x_j|^2]; the last layer's positions are the prediction (EGNN_vel);
//   gnn     the plain message-passing network of the paper: node input [x, v] (6), edge
//           attribute q_i q_j, embedding, 4 residual message-passing rounds of 64 features,
//           decoder 64 -> 64 -> 3 read as the predicted position (not equivariant);
//   linear  x + t v with the one parameter t fitted on the training set (least squares).
//
// Training as published: batch 100, Adam (lr 5e-4, weight decay 1e-12), MSE of positions; the
// validation MSE every few epochs picks the parameters whose test MSE is reported. Our changes
// for the short default budget (400 epochs, about 6 minutes on 2 cores): cosine decay of the
// learning rate, and the global gradient norm clipped at 1 (without it EGNN's training exploded
// at epoch 101 in our first default run). --published sets the paper's 10,000 epochs at constant
// lr without clipping (hours; a progress line every 50 epochs on stdout). Every run is resumable:
// a checkpoint per network every --checkpoint-every epochs, and `--resume` with the same options
// and --out continues it (train.hpp; a resume with other settings is refused).
// Published test MSE: EGNN 0.0071, GNN 0.0107, linear 0.0819.
//
// The parts: data.hpp (the splits and windows), model.hpp (the three models), train.hpp,
// evaluate.hpp (test errors and predictions), report.hpp (table, check, files).
//
//   egnn_nbody [--quick] [--check] [--quiet] [--out DIR] [--seed S] [--threads T] [--data DIR] ...  (--help)
//
// Outputs in --out: results.json, training.csv (per epoch: train loss, validation MSE),
// training.svg (the curves and the linear baseline), predictions.svg (test forecasts),
// checkpoint_<net>.npz and training_<net>.csv (per epoch, with the seconds: what a resume needs).
// Exit status 4 after --interrupt-after (the checkpoints are saved). --device cuda trains and
// evaluates the networks on the GPU (--device emulated: the GPU's kernels on the host; docs/cuda.md).
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "autodiff/parallel.hpp"
#include "cuda/device_backends.hpp"
#include "distributed/world.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/finish_run.hpp"
#include "examples/common/output_dir.hpp"
#include "examples/common/run_main.hpp"
#include "examples/egnn_nbody/report.hpp"
#include "nn/device.hpp"

using namespace dg;
using namespace dg::egnn_nbody;

namespace {

int run(int argc, char** argv) {
  examples::Options opt("egnn_nbody", "EGNN, GNN and linear baselines on the charged n-body task of Satorras et al. 2021.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "egnn_nbody");
  std::string& data_dir = opt.add("data", "", "a folder written by `dynagrad-data generate nbody` (default: generate in memory)");
  std::int64_t& n_train = opt.add("train", std::int64_t{3000}, "training simulations (when generated; --data uses its files whole)", std::int64_t{1});
  std::int64_t& n_val = opt.add("val", std::int64_t{2000}, "validation simulations (when generated)", std::int64_t{1});
  std::int64_t& n_test = opt.add("test", std::int64_t{2000}, "test simulations (when generated)", std::int64_t{1});
  std::int64_t& input_frame = opt.add("input-frame", std::int64_t{30}, "the observed frame", std::int64_t{0});
  std::int64_t& target_frame = opt.add("target-frame", std::int64_t{40}, "the frame to predict", std::int64_t{1});
  std::int64_t& epochs = opt.add("epochs", std::int64_t{400}, "training epochs per model", std::int64_t{1});
  std::int64_t& batch = opt.add("batch", std::int64_t{100}, "simulations per step", std::int64_t{1});
  std::int64_t& eval_every = opt.add("eval-every", std::int64_t{5}, "epochs between validation runs", std::int64_t{1});
  double& lr = opt.add("lr", 5e-4, "Adam learning rate (peak of the cosine decay)", 1e-8, 1.0);
  double& weight_decay = opt.add("weight-decay", 1e-12, "Adam L2 weight decay", 0.0, 1.0);
  double& clip = opt.add("clip", 1.0, "bound on the global gradient norm of a step (0: none, as published)", 0.0, 1e30);
  std::string& schedule = opt.add("schedule", "cosine", "learning-rate schedule: cosine (to lr/100) or constant");
  int& hidden = opt.add("hidden", 64, "features of both networks", 1, 4096);
  int& layers = opt.add("layers", 4, "layers of both networks", 1, 64);
  std::int64_t& shards = opt.add("shards", std::int64_t{0},
                                 "cut each batch into this many shards, one tape each, on the threads and MPI ranks "
                                 "(0: one tape; docs/distributed.md)",
                                 std::int64_t{0});
  bool& published = opt.flag("published", "the published budget: 10,000 epochs at constant lr, no clipping (hours)");
  std::int64_t& checkpoint_every =
      opt.add("checkpoint-every", std::int64_t{25}, "epochs between checkpoints (0: only at the end)", std::int64_t{0});
  std::int64_t& interrupt_after =
      opt.add("interrupt-after", std::int64_t{-1}, "stop after this many epochs, as an interruption would (-1: never)",
              std::int64_t{-1});
  std::int64_t& log_every =
      opt.add("log-every", std::int64_t{0}, "epochs between progress lines on stdout (0: none; --published: 50)",
              std::int64_t{0});
  bool& resume = opt.flag("resume", "continue each network from its checkpoint in --out when there is one");
  bool& allow_changed =
      opt.flag("allow-changed-settings", "with --resume: accept a checkpoint made with other settings");
  std::string& device_option = opt.add("device", "cpu",
                                       "where the networks train: cpu, cuda (a -Dcuda=enabled build), or emulated (the "
                                       "GPU's kernels on the host, slow: a check without a GPU; docs/cuda.md)");
  opt.parse(argc, argv);
  const Device device = parse_device(device_option.c_str());
  if (device != Device::CPU) {
    cuda::register_device_backends();
    cuda::require_device(device);
  }
  if (so.quick) {  // smaller defaults; options given explicitly still win
    if (!opt.given("train")) n_train = 1000;
    if (!opt.given("val")) n_val = 200;
    if (!opt.given("test")) n_test = 500;
    if (!opt.given("epochs")) epochs = 60;
  }
  if (published) {
    if (!opt.given("epochs")) epochs = 10000;
    if (!opt.given("schedule")) schedule = "constant";
    if (!opt.given("clip")) clip = 0;
    if (!opt.given("log-every")) log_every = 50;
  }
  const auto start = std::chrono::steady_clock::now();
  if (schedule != "cosine" && schedule != "constant")
    throw std::invalid_argument("--schedule must be 'cosine' or 'constant', got '" + schedule + "'");
  if (target_frame <= input_frame)
    throw std::invalid_argument("--target-frame (" + std::to_string(target_frame) + ") must come after --input-frame (" +
                                std::to_string(input_frame) + ")");
  if (so.quick && published) throw std::invalid_argument("--quick and --published contradict each other");
  const std::string out = examples::prepare_output_dir(so.out);
  set_num_threads(so.threads);
  const auto seed = static_cast<std::uint64_t>(so.seed);

  const NBodyData data = load_nbody(data_dir, n_train, n_val, n_test, seed);
  datasets::WindowLoader<float> train_loader(data.train, task_windows(input_frame, target_frame, batch, true, seed + 11));
  datasets::WindowLoader<float> val_loader(data.val, task_windows(input_frame, target_frame, batch, false, 0));
  datasets::WindowLoader<float> test_loader(data.test, task_windows(input_frame, target_frame, batch, false, 0));
  std::printf("data (%s): %lld / %lld / %lld simulations of %lld particles in %lldD, frame %lld -> %lld\n",
              data.origin.c_str(), static_cast<long long>(data.train.sims), static_cast<long long>(data.val.sims),
              static_cast<long long>(data.test.sims), static_cast<long long>(data.train.particles),
              static_cast<long long>(data.train.dim), static_cast<long long>(input_frame), static_cast<long long>(target_frame));

  // The linear baseline, then both networks with the same budget and the same initial stream.
  const auto [linear_t, linear_mse] = linear_baseline(data.train, data.test, input_frame, target_frame);
  const LinearResult linear{.t = linear_t, .mse = linear_mse,
                            .frame_gap = data.train.dt_frame > 0 ? data.train.dt_frame * double(target_frame - input_frame) : 0};
  // The settings a checkpoint must have been made with to be resumed (--shards only when used, so
  // that checkpoints made before it existed still resume).
  std::vector<std::string> resume_settings = {"data",  "train", "val",          "test", "input-frame", "target-frame",
                                              "epochs", "batch", "eval-every",   "lr",   "weight-decay", "clip",
                                              "schedule", "hidden", "layers", "seed"};
  if (shards > 0) resume_settings.push_back("shards");
  TrainSettings ts{
      .name = "",
      .epochs = epochs,
      .batch = batch,
      .eval_every = eval_every,
      .lr = lr,
      .weight_decay = weight_decay,
      .clip = clip,
      .cosine = schedule == "cosine",
      .seed = seed + 7,
      .checkpoint_every = checkpoint_every,
      .resume = resume,
      .settings = opt.values_of(resume_settings),
      .allow_changed_settings = allow_changed,
      .stop_after = interrupt_after,
      .log_every = log_every,
      .shards = shards};
  const bool writer = distributed::world().rank() == 0;  // under MPI, rank 0 alone writes
  nn::ProgressLine progress(so.quiet || !writer);
  Philox rng_e(seed, 1), rng_g(seed, 2);
  EGNNModel egnn(hidden, layers, rng_e);
  GNNModel gnn(hidden, layers, rng_g);
  nn::to_device(egnn.module(), device);  // parameters, gradients and then Adam's state
  nn::to_device(gnn.module(), device);
  std::vector<NetworkResult> nets{{.name = "egnn", .model = &egnn, .training = {}, .published_mse = 0.0071},
                                  {.name = "gnn", .model = &gnn, .training = {}, .published_mse = 0.0107}};
  for (std::size_t k = 0; k < nets.size(); ++k) {
    if (!so.quiet) std::printf("training %s: %s\n", nets[k].name.c_str(), nets[k].model->describe().c_str());
    ts.name = nets[k].name;
    ts.checkpoint_path = out + "checkpoint_" + ts.name + ".npz";
    ts.curve_path = out + "training_" + ts.name + ".csv";
    nets[k].training = train(*nets[k].model, train_loader, val_loader, test_loader, ts, progress, int(k + 1), int(nets.size()));
    if (nets[k].training.stopped) {
      progress.finish();
      std::printf("%s: stopped by --interrupt-after at epoch %lld; its checkpoint is saved, run again with --resume\n",
                  ts.name.c_str(), static_cast<long long>(nets[k].training.train_loss.size()));
      return examples::kExitInterrupted;
    }
  }
  progress.finish();
  const double seconds = examples::seconds_since(start);

  const RunShape shape{input_frame, target_frame, epochs, batch, train_loader.batch_count(), schedule, lr};
  print_table(nets, linear, shape);
  const std::vector<examples::Check> checks = make_checks(nets, linear);
  return examples::finish_run(
      out, seconds, checks, so.check,
      "results.json, training.csv, training_<net>.csv, training.svg, predictions.svg, checkpoint_<net>.npz", [&] {
        write_files(out, nets, linear, shape, test_loader, data.test.particles);
        io::Json res = examples::results_header(opt, so.seed, seconds);
        add_results(res, data, nets, linear, checks);
        return res;
      });
}

}  // namespace

int main(int argc, char** argv) {
  return examples::run_main("egnn_nbody", [&] { return run(argc, argv); });
}
