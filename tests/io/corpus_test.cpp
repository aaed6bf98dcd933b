// Every malformed file of tests/data/npy_corpus gives an IoError that names the file and contains
// the fragment listed for it in tests/data/npy_corpus_expected.txt; the list and the folder agree.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "io/npy.hpp"
#include "tests/io/scratch.hpp"

using namespace dg::io;

TEST_CASE("every malformed file gives its expected error") {
  // Read the expectations: "name<TAB>fragment" per line, '#' comments.
  std::map<std::string, std::string> expected;
  std::ifstream list(test::data_dir() + "/npy_corpus_expected.txt");
  REQUIRE(list.good());
  for (std::string line; std::getline(list, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    expected[line.substr(0, tab)] = line.substr(tab + 1);
  }
  REQUIRE(expected.size() >= 30);

  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::data_dir() + "/npy_corpus")) {
    const std::string name = entry.path().filename().string();
    const std::string path = entry.path().string();
    CAPTURE(name);
    REQUIRE_MESSAGE(expected.count(name), "no expected message listed for " << name);
    std::string message;
    try {
      if (entry.path().extension() == ".npz") read_npz(path);
      else read_npy(path);
    } catch (const IoError& e) {
      message = e.what();
    }
    CAPTURE(message);
    CHECK(message.rfind(path + ": ", 0) == 0);  // names the file first
    CHECK(message.find(expected[name]) != std::string::npos);
    ++checked;
  }
  CHECK(checked == expected.size());
}
