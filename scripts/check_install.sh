#!/usr/bin/env bash
# Installs dynagrad into a temporary prefix and builds a user program against it with
# `pkg-config --cflags --libs dynagrad`, as a user of the static library would.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson setup "$tmp/build" --prefix="$tmp/prefix" -Dtests=false -Dexamples=false -Dbenchmarks=false >/dev/null
ninja -C "$tmp/build" >/dev/null
meson install -C "$tmp/build" >/dev/null
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$(find "$tmp/prefix" -name dynagrad.pc | head -n 1)")
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
