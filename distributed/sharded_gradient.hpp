// ShardedGradient: the loss and gradient of a batch cut into S shards, each computed on its own
// tape by whichever thread (and rank) owns it, then summed in shard order.
//
//   distributed::ShardedGradient<float> sharded(params, /*shards=*/4, distributed::world());
//   const double loss = sharded.run([&](Tape<float>& tape, std::int64_t s) {
//     return shard_loss(tape, s);   // shard s's part of the batch loss (the parts add up to it)
//   });                              // every p->grad now holds d loss / d p
//
// Determinism: shard s always runs the same ops on the same data, whichever thread or rank runs
// it, and its parameter gradients go to a row of its own (the tape's ParamGradTarget hook), never
// to the shared p.grad. Then each gradient element is 0 + g_0 + g_1 + ... + g_{S-1}, always in
// this order, on every rank after an allgather of the rows. So the bits depend on S alone:
// 1 thread, 2 threads or 4 ranks give the same gradient, and the optimiser the same parameters.
//
// Threads: one parallel region per run(); each thread takes whole shards (dynamic, so a thread
// slowed by another process takes fewer); ops inside a shard then run serially. With one thread,
// one shard of this rank, or while the straggler guard (autodiff/parallel.hpp) says the cores
// are busy, shards run one after the other on the calling thread and their ops may use the row
// parallelism of single large inputs as before.
//
// Memory: one tape per shard (the tapes of S shards hold about what one tape of the whole batch
// holds) and an (S, P + 1) buffer of shard gradients and losses, P the parameter count. After the
// first run with given shapes, run() allocates nothing.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "autodiff/parallel.hpp"
#include "autodiff/tape.hpp"
#include "distributed/communicator.hpp"
#include "distributed/shards.hpp"

namespace dg::distributed {

template <class T>
class ShardedGradient {
 public:
  // std::invalid_argument for shards < 1 or a parameter listed twice.
  ShardedGradient(std::vector<Parameter<T>*> params, std::int64_t shards, Communicator& comm)
      : params_(std::move(params)), shards_(shards), comm_(comm) {
    if (shards < 1) throw std::invalid_argument("ShardedGradient: shards " + std::to_string(shards) + " must be >= 1");
    for (Parameter<T>* p : params_) {
      offsets_.push_back({p, width_});
      width_ += p->value.numel();
    }
    ++width_;  // the shard's loss
    std::sort(offsets_.begin(), offsets_.end());
    for (std::size_t i = 1; i < offsets_.size(); ++i)
      if (offsets_[i].first == offsets_[i - 1].first)
        throw std::invalid_argument("ShardedGradient: a parameter is listed twice");
    std::tie(first_, last_) = owned_shards(shards_, comm_.size(), comm_.rank());
    rows_.assign(static_cast<std::size_t>(shards_ * width_), T(0));
    errors_.resize(static_cast<std::size_t>(shards_));
    for (std::int64_t s = 0; s < shards_; ++s) {
      tapes_.push_back(std::make_unique<Tape<T>>());
      targets_.emplace_back(*this, row(s));
    }
    for (int r = 0; r < comm_.size(); ++r) {
      const auto [a, b] = owned_shards(shards_, comm_.size(), r);
      bytes_.push_back(static_cast<std::size_t>((b - a) * width_) * sizeof(T));
    }
  }
  ShardedGradient(const ShardedGradient&) = delete;
  ShardedGradient& operator=(const ShardedGradient&) = delete;

  std::int64_t shards() const { return shards_; }
  std::pair<std::int64_t, std::int64_t> owned() const { return {first_, last_}; }
  Tape<T>& tape(std::int64_t shard) { return *tapes_[static_cast<std::size_t>(shard)]; }

  // loss_fn(Tape<T>&, std::int64_t shard) -> Var<T> (one element) builds shard `shard`'s part of
  // the batch loss on the tape given. Sets every parameter's grad to the gradient of the sum of
  // the parts and returns that sum (in double, added in shard order). An exception of a shard is
  // rethrown here (the first in shard order); under MPI with several ranks it ends the job.
  template <class LossFn>
  double run(LossFn&& loss_fn) {
    auto one = [&](std::int64_t s) {
      try {
        T* r = row(s);
        std::fill(r, r + width_, T(0));
        Tape<T>& tape = *tapes_[static_cast<std::size_t>(s)];
        tape.reset();
        tape.set_param_grads(&targets_[static_cast<std::size_t>(s)]);
        const Var<T> loss = loss_fn(tape, s);
        if (loss.numel() != 1)
          throw std::invalid_argument("shard " + std::to_string(s) + ": the loss has " + std::to_string(loss.numel()) +
                                      " elements, not 1");
        tape.backward(loss);
        r[width_ - 1] = loss.item();
      } catch (...) {
        errors_[static_cast<std::size_t>(s)] = std::current_exception();
      }
    };
    run_owned(one);
    std::exception_ptr error;
    std::int64_t failed = -1;
    for (std::int64_t s = first_; s < last_; ++s)
      if (std::exception_ptr e = std::exchange(errors_[static_cast<std::size_t>(s)], nullptr); e && !error)
        error = e, failed = s;
    if (error && comm_.size() == 1) std::rethrow_exception(error);
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& x) {
        comm_.abort("rank " + std::to_string(comm_.rank()) + ", shard " + std::to_string(failed) + ": " + x.what());
      }
    }
    if (comm_.size() > 1) comm_.allgather(row(first_), bytes_, rows_.data());
    return sum_rows();
  }

 private:
  // Sends a parameter's gradient on shard s's tape to its place in shard s's row.
  struct RowTarget final : ParamGradTarget<T> {
    RowTarget(ShardedGradient& o, T* r) : owner(&o), row(r) {}
    T* grad_of(const Parameter<T>& p) override {
      const auto& off = owner->offsets_;
      const auto it = std::lower_bound(off.begin(), off.end(), &p,
                                       [](const auto& entry, const Parameter<T>* key) { return entry.first < key; });
      return it != off.end() && it->first == &p ? row + it->second : nullptr;  // not trained: a constant
    }
    ShardedGradient* owner;
    T* row;
  };

  T* row(std::int64_t s) { return rows_.data() + s * width_; }

  template <class One>
  void run_owned(One& one) {
#ifdef _OPENMP
    if (last_ - first_ > 1 && num_threads() > 1 && !omp_in_parallel() && !detail::avoid_threads()) {
      const double start = omp_get_wtime();
      double own_done = start;
#pragma omp parallel
      {
#pragma omp for schedule(dynamic, 1) nowait
        for (std::int64_t s = first_; s < last_; ++s) one(s);
        if (omp_get_thread_num() == 0) own_done = omp_get_wtime();
      }
      detail::record_parallel_loop(start, own_done, omp_get_wtime());
      return;
    }
#endif
    for (std::int64_t s = first_; s < last_; ++s) one(s);
  }

  // p.grad = 0 + row_0 + row_1 + ... per element (elements are independent: any split of them
  // over threads gives the same bits); returns the losses added the same way, in double.
  double sum_rows() {
    index_t at = 0;
    for (Parameter<T>* p : params_) {
      const index_t n = p->grad.numel();
      T* g = p->grad.data();
      const T* base = rows_.data() + at;
      parallel_for(n, n * shards_, [&](index_t b, index_t e) {
        for (index_t i = b; i < e; ++i) {
          T acc = T(0);
          for (std::int64_t s = 0; s < shards_; ++s) acc += base[s * width_ + i];
          g[i] = acc;
        }
      });
      at += n;
    }
    double loss = 0;
    for (std::int64_t s = 0; s < shards_; ++s) loss += static_cast<double>(rows_[std::size_t(s * width_ + width_ - 1)]);
    return loss;
  }

  std::vector<Parameter<T>*> params_;
  std::int64_t shards_;
  Communicator& comm_;
  index_t width_ = 0;                                             // P gradient elements + 1 loss
  std::vector<std::pair<const Parameter<T>*, index_t>> offsets_;  // sorted by parameter address
  std::int64_t first_ = 0, last_ = 0;                             // the shards of this rank
  std::vector<T> rows_;                                           // (S, P + 1) gradients, then the loss
  std::vector<std::unique_ptr<Tape<T>>> tapes_;                   // (S) one per shard
  std::vector<RowTarget> targets_;                                // (S)
  std::vector<std::exception_ptr> errors_;                        // (S)
  std::vector<std::size_t> bytes_;                                // (ranks) each rank's rows in bytes
};

}  // namespace dg::distributed
