// The CUDA backend without a GPU: its index logic (launch geometry, broadcast maps, reduction
// boxes, segment lists) against brute force and the CPU kernels, and every op of cuda/ops.hpp run
// on the host grid through the backend test's cases (op_cases*.hpp) against the CPU tape. Built
// and run by the normal CPU build; the launches and cuBLAS are left to tests/cuda/backend_ops_test.
#include <doctest/doctest.h>

#include <random>
#include <set>

#include "autodiff/kernels/broadcast.hpp"
#include "autodiff/kernels/rows.hpp"
#include "tests/cuda/all_cases.hpp"
#include "tests/cuda/host_backend.hpp"

using namespace dg;
using namespace dg::cuda;

TEST_CASE("the grid-stride loop visits every element exactly once") {
  for (index_t n : {index_t(1), index_t(255), index_t(256), index_t(257), index_t(100000), kMaxBlocks * kThreads - 1,
                    kMaxBlocks * kThreads + 3, 3 * kMaxBlocks * kThreads + 17}) {
    std::vector<std::uint8_t> visits(static_cast<std::size_t>(n), 0);
    HostGrid{}("count", n, [&](index_t i) { ++visits[static_cast<std::size_t>(i)]; });
    CHECK(std::all_of(visits.begin(), visits.end(), [](std::uint8_t v) { return v == 1; }));
    CHECK(block_count(n) <= kMaxBlocks);
  }
  int calls = 0;
  HostGrid{}("empty", 0, [&](index_t) { ++calls; });
  CHECK(calls == 0);
}

namespace {
const std::vector<std::pair<Shape, Shape>> kBroadcasts = {
    {Shape{4, 5}, Shape{4, 5}},        {Shape{5}, Shape{4, 5}},         {Shape{4, 1}, Shape{4, 5}},
    {Shape::scalar(), Shape{3, 4, 5}}, {Shape{4, 1}, Shape{3, 4, 5}},   {Shape{3, 1, 5}, Shape{3, 4, 5}},
    {Shape{1, 4, 1}, Shape{3, 4, 5}},  {Shape{3, 4, 5}, Shape{3, 4, 5}}};
}

TEST_CASE("broadcast maps agree with the CPU kernels' operand strides") {
  for (const auto& [x, out] : kBroadcasts) {
    CAPTURE(x.str());
    CAPTURE(out.str());
    const BroadcastMap m = broadcast_map(x, out);
    const kernels::BroadcastGrid grid(out);
    const kernels::OperandStrides strides(x, out);
    for (index_t i = 0; i < out.numel(); ++i) {
      const index_t r = i / grid.d2, j = i % grid.d2;
      REQUIRE(m.offset(i) == strides.row_offset(r, grid.d1) + j * strides.s2);
      REQUIRE(m.offset(i) < x.numel());
    }
  }
}

TEST_CASE("a reduction box lists exactly the output elements of its target, in increasing order") {
  for (const auto& [x, out] : kBroadcasts) {
    CAPTURE(x.str());
    CAPTURE(out.str());
    const BroadcastMap m = broadcast_map(x, out);
    const Dims3 d = dims3(x);
    index_t total = 0;
    for (index_t t = 0; t < x.numel(); ++t) {
      const ReduceBox box = reduce_box(t, d.x0, d.x1, d.x2, m);
      std::vector<index_t> listed, expected;
      for (index_t k = 0; k < box.count(); ++k) listed.push_back(box.element(k));
      for (index_t i = 0; i < out.numel(); ++i)
        if (m.offset(i) == t) expected.push_back(i);
      REQUIRE(listed == expected);
      total += box.count();
    }
    CHECK(total == out.numel());
  }
}

TEST_CASE("segment lists: stable counting sort, empty segments, bad indices rejected") {
  const std::vector<std::int32_t> index = {3, 0, 3, 1, 0, 3};
  const Segments s = build_segments("test", index, 5);
  CHECK(s.start == std::vector<std::int32_t>{0, 2, 3, 3, 6, 6});
  CHECK(s.order == std::vector<std::int32_t>{1, 4, 3, 0, 2, 5});
  const std::vector<std::int32_t> bad = {0, 5};
  CHECK_THROWS_AS(build_segments("scatter", bad, 5), ShapeError);
  CHECK_THROWS_WITH_AS(build_segments("scatter", bad, 5), doctest::Contains("scatter"), ShapeError);
  CHECK(build_segments("empty", {}, 3).start == std::vector<std::int32_t>{0, 0, 0, 0});
}

TEST_CASE("segment sums give the bits of the CPU scatter-add (same order of additions)") {
  std::mt19937_64 rng(3);
  const index_t E = 500, C = 7, R = 40;
  const std::vector<std::int32_t> index = test::random_index(rng, E, R, false);
  std::normal_distribution<float> normal;
  std::vector<float> x(static_cast<std::size_t>(E * C)), cpu(static_cast<std::size_t>(R * C), 0.0f),
      grid(static_cast<std::size_t>(R * C), -1.0f);
  for (float& v : x) v = normal(rng);
  Arena arena;
  kernels::scatter_add_rows(cpu.data(), x.data(), index.data(), E, C, R, arena);
  const Segments s = build_segments("test", index, R);
  ops::segment_sum(HostGrid{}, grid.data(), false, x.data(), SegmentsView{s.start.data(), s.order.data(), R}, C);
  CHECK(std::memcmp(cpu.data(), grid.data(), sizeof(float) * cpu.size()) == 0);
}

TEST_CASE("every op of the backend on the host grid matches the CPU tape (the backend test's cases)") {
  test::HostMemory memory;
  test::HostApi api;
  const std::vector<test::CaseResult> results = test::all_cases(memory, api);
  CHECK(results.size() >= 140);
  for (const test::CaseResult& r : results) {
    CAPTURE(r.name);
    CAPTURE(r.error);
    CHECK(r.problem == "");
  }
}
