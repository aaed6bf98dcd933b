// finish_run: the end every experiment's program shares, after it printed its table. Under MPI
// only rank 0 writes (the other ranks print the checks and return); rank 0 writes the experiment's
// files and results.json, prints the line naming what it wrote, then the checks; the return value
// is the exit status (print_checks, examples/common/checks.hpp).
//
//   print_table(results);
//   return examples::finish_run(out, seconds, checks, so.check, "results.json, forecast.csv, training.svg", [&] {
//     write_files(out, results);                                    // the CSV and SVG files
//     io::Json json = examples::results_header(opt, so.seed, seconds);
//     add_results(json, results, checks);
//     return json;                                                  // written as out/results.json
//   });
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "examples/common/checks.hpp"
#include "io/json.hpp"

namespace dg::examples {

// `out`: the output folder with its trailing '/' (prepare_output_dir); `wrote`: the files named in
// the last line; `write`: writes the experiment's own files and returns results.json's content.
int finish_run(const std::string& out, double seconds, const std::vector<Check>& checks, bool enforce,
               const std::string& wrote, const std::function<io::Json()>& write);

}  // namespace dg::examples
