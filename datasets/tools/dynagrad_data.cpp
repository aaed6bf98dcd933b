// `dynagrad-data`: the command-line tool of the datasets layer (see datasets/tools/cli.hpp).
#include <iostream>
#include <string>
#include <vector>

#include "datasets/tools/cli.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return dg::datasets::cli::run(args, std::cout, std::cerr);
}
