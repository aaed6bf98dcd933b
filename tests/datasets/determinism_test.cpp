// Every generator is a pure function of its parameters: the same seed gives the same bytes twice
// and with 1 or 2 threads; a simulation does not depend on which others are generated with it;
// another seed gives other data.
#include <doctest/doctest.h>

#include "autodiff/parallel.hpp"
#include "datasets/generate.hpp"
#include "tests/datasets/helpers.hpp"

using namespace dg;
using namespace dg::datasets;
using namespace dg::datasets::test;

namespace {

// The split's arrays serialised as an .npz: equal bytes mean equal names, order, shapes, bits.
std::vector<std::byte> bytes_of(const Generator& g, const Params& p, Split s, int threads) {
  set_num_threads(threads);
  return io::serialize_npz(generate_split(g, p, s));
}

}  // namespace

TEST_CASE("every generator: same seed, same bytes, with 1 and 2 threads, twice") {
  const int threads_before = num_threads();
  for (const Generator* g : all_generators()) {
    CAPTURE(g->name());
    const Params p = small_params(*g, 4);
    for (Split s : kSplits) {
      const auto one = bytes_of(*g, p, s, 1);
      CHECK(bytes_of(*g, p, s, 2) == one);
      CHECK(bytes_of(*g, p, s, 2) == one);
      CHECK(bytes_of(*g, p, s, 1) == one);
    }
  }
  set_num_threads(threads_before);
}

TEST_CASE("a simulation is the same alone or among others; splits and seeds give other data") {
  for (const Generator* g : all_generators()) {
    CAPTURE(g->name());
    Params p = small_params(*g, 4);
    const io::NamedArrays all = generate_split(*g, p, Split::Train);
    const io::NamedArrays third = generate_split(*g, p, Split::Train, 2, 1);
    const auto x_all = values(all, "positions"), x_third = values(third, "positions");
    const std::size_t per_sim = x_all.size() / 4;
    CHECK(rows(x_all, 2 * per_sim, per_sim) == x_third);

    // Simulation 0 of another split, or of another seed, starts elsewhere.
    const auto x_val = values(generate_split(*g, p, Split::Val), "positions");
    CHECK(rows(x_all, 0, per_sim) != x_val);
    p.set("seed", 43);
    CHECK(values(generate_split(*g, p, Split::Train), "positions") != x_all);
  }
}

TEST_CASE("the electrostatic sources are shared by every split and seed, and change with field_seed") {
  const Generator& g = find_generator("electrostatic");
  Params p = small_params(g, 2);
  const auto train = values(generate_split(g, p, Split::Train), "source_positions");
  CHECK(values(generate_split(g, p, Split::Test), "source_positions") == train);
  p.set("seed", 7);
  CHECK(values(generate_split(g, p, Split::Train), "source_positions") == train);
  p.set("field_seed", 2);
  CHECK(values(generate_split(g, p, Split::Train), "source_positions") != train);
}
