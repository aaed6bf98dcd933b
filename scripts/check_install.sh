#!/usr/bin/env bash
# Installs dynagrad into a temporary place and builds a user program against it with
# `pkg-config --cflags --libs dynagrad`, as a user of the static library would; then compiles
# every installed header on its own (a header that includes one that was not installed, or that
# misses an include of its own, fails here), and checks that the flags name -fopenmp only once.
# Then the C interface (dynagrad.h): a C99 program linked with `pkg-config --libs dynagrad`; and
# the CMake package: a user project outside the tree, find_package(dynagrad), one C++ program on
# dynagrad::dynagrad and one C program on dynagrad::dynagrad_c.
# Usage: check_install.sh [BUILD_DIR]
#   without BUILD_DIR: configures and builds the library alone (no tests, examples or benchmarks)
#                      in a temporary directory and installs it into a temporary prefix;
#   with BUILD_DIR:    installs that existing build (as `meson install` would, into its own prefix)
#                      under a temporary DESTDIR and moves the prefix line of the installed
#                      dynagrad.pc there. CI does this with the quick start's build, which saves
#                      building the library a second time.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if (($# == 0)); then
  meson setup "$tmp/build" --prefix="$tmp/prefix" -Dtests=false -Dexamples=false -Dbenchmarks=false >/dev/null
  ninja -C "$tmp/build" >/dev/null
  meson install -C "$tmp/build" >/dev/null
  root="$tmp/prefix"
else
  [ -f "$1/build.ninja" ] || { echo "check_install.sh: $1 is not a configured build directory" >&2; exit 2; }
  meson install -C "$1" --destdir "$tmp/dest" >/dev/null
  root="$tmp/dest"
fi
pc=$(find "$root" -name dynagrad.pc | head -n 1)
[ -n "$pc" ] || { echo "check_install.sh: no dynagrad.pc was installed under $root" >&2; exit 1; }
if (($# > 0)); then sed -i "s|^prefix=|prefix=$tmp/dest|" "$pc"; fi
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
cat > "$tmp/user.cpp" <<'CPP'
#include "autodiff/ops.hpp"
int main() {
  dg::Tape<double> tape;
  auto x = tape.variable(dg::Tensor<double>(dg::Shape{2}, {1.0, 2.0}));
  tape.backward(dg::sum(dg::square(x)));
  return x.grad()[1] == 4.0 ? 0 : 1;
}
CPP
# shellcheck disable=SC2046
g++ "$tmp/user.cpp" $(pkg-config --cflags --libs dynagrad) -o "$tmp/user"
"$tmp/user"
echo "install + pkg-config: OK"

libs=$(pkg-config --libs dynagrad)
if (($(grep -o -- '-fopenmp' <<<"$libs" | wc -l) > 1)); then
  echo "check_install.sh: pkg-config --libs repeats -fopenmp: $libs" >&2
  exit 1
fi
cflags=$(pkg-config --cflags dynagrad)
export cflags
include_root=$(find "$root" -type d -path '*/include/dynagrad' | head -n 1)
[ -n "$include_root" ] || { echo "check_install.sh: no include/dynagrad was installed under $root" >&2; exit 1; }
mapfile -t headers < <(cd "$include_root" && find . -name '*.hpp' | sed 's|^\./||' | sort)
((${#headers[@]} > 0)) || { echo "check_install.sh: no headers installed under $include_root" >&2; exit 1; }
# Each header alone in a translation unit (-fsyntax-only: parsed, no code), two at a time;
# a compiler message, prefixed with the header's name, fails the check.
# shellcheck disable=SC2016
printf '%s\n' "${headers[@]}" | xargs -P 2 -n 1 bash -c \
  'printf "#include \"%s\"\n" "$0" | g++ -fsyntax-only -x c++ - $cflags 2>&1 | sed "s|^|$0: |"' > "$tmp/headers.log"
if [ -s "$tmp/headers.log" ]; then
  cat "$tmp/headers.log" >&2
  echo "check_install.sh: some installed headers do not compile on their own (above)" >&2
  exit 1
fi
echo "each of the ${#headers[@]} installed headers compiles on its own: OK"

# The C interface: dynagrad.h is C99 on its own; a C program links with `pkg-config --libs`.
# It loads a missing checkpoint: the C++ exception must be caught inside and come back as a code.
gcc -std=c99 -Wall -Wextra -pedantic -Werror -fsyntax-only -x c "$include_root/dynagrad.h"
cat > "$tmp/user.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "dynagrad.h"
int main(void) {
  dg_model* model = NULL;
  dg_status status = dg_model_load("no-such-checkpoint.npz", 0.0, &model);
  printf("%s %s: %s\n", dg_version(), dg_status_name(status), dg_last_error());
  return status == DG_ERROR_FILE && model == NULL && strstr(dg_last_error(), "no-such-checkpoint.npz") ? 0 : 1;
}
C
# shellcheck disable=SC2046
gcc -std=c99 -I"$include_root" "$tmp/user.c" $(pkg-config --libs dynagrad) -o "$tmp/user_c"
"$tmp/user_c" >/dev/null
echo "C program + pkg-config --libs dynagrad: OK"

# The CMake package, from a user project outside the tree.
config=$(find "$root" -name dynagradConfig.cmake | head -n 1)
[ -n "$config" ] || { echo "check_install.sh: no dynagradConfig.cmake was installed under $root" >&2; exit 1; }
mkdir "$tmp/cmake_user"
cp "$tmp/user.cpp" "$tmp/user.c" "$tmp/cmake_user/"
cat > "$tmp/cmake_user/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(dynagrad_user C CXX)
find_package(dynagrad 0.1 REQUIRED)
add_executable(user user.cpp)
target_link_libraries(user PRIVATE dynagrad::dynagrad)
add_executable(user_c user.c)
set_property(TARGET user_c PROPERTY C_STANDARD 99)
target_link_libraries(user_c PRIVATE dynagrad::dynagrad_c)
CMAKE
cmake -S "$tmp/cmake_user" -B "$tmp/cmake_build" -Ddynagrad_DIR="$(dirname "$config")" >/dev/null
cmake --build "$tmp/cmake_build" >/dev/null
"$tmp/cmake_build/user"
"$tmp/cmake_build/user_c" >/dev/null
echo "CMake package (find_package(dynagrad), dynagrad::dynagrad and dynagrad::dynagrad_c): OK"
