// Every case of the backend test, in one fixed order (the same random inputs on every backend).
#pragma once

#include <random>

#include "tests/cuda/op_cases.hpp"
#include "tests/cuda/op_cases_rows.hpp"

namespace dg::test {

template <class Memory, class Api>
std::vector<CaseResult> all_cases(Memory& memory, const Api& api) {
  CaseRunner<Memory> run(memory);
  std::mt19937_64 rng(2);
  elementwise_cases(run, api);
  shape_cases(run, api);
  row_cases(run, api, rng);
  fused_cases(run, api, rng);
  run.results.push_back(adam_case(memory, api, rng));
  return run.results;
}

}  // namespace dg::test
