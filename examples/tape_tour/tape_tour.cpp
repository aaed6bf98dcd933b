// A first look inside dynagrad's tape: builds a small expression, prints the tape (one line per
// node), runs backward, checks the gradient against the closed form, and computes a second
// derivative by differentiating the recorded backward pass. Writes tape.dot (Graphviz).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "autodiff/ops.hpp"
#include "examples/common/run_main.hpp"

using namespace dg;

namespace {

int run() {
  Tape<double> tape;
  // f(x) = sum(tanh(x) * x^2) at three points.
  Var<double> x = tape.variable(Tensor<double>(Shape{3}, {-1.0, 0.5, 2.0}));
  Var<double> f = sum(tanh(x) * square(x));
  std::cout << "forward:\n" << tape.str();

  Var<double> df = tape.grad(f, x);  // recorded: the backward pass as new nodes
  Var<double> d2f = tape.grad(sum(df), x, false);
  tape.backward(f);                  // numeric backward: x.grad() += df/dx
  std::cout << "\nafter grad(create_graph) and a second grad, " << tape.node_count() << " nodes\n\n";

  std::printf("%6s %12s %12s %12s %12s\n", "x", "df/dx", "closed form", "d2f/dx2", "closed form");
  for (int i = 0; i < 3; ++i) {
    const double v = x[i], t = std::tanh(v), s = 1 - t * t;
    const double d1 = s * v * v + 2 * t * v;
    const double d2 = -2 * t * s * v * v + 4 * s * v + 2 * t;
    std::printf("%6.2f %12.8f %12.8f %12.8f %12.8f\n", v, x.grad()[i], d1, d2f[i], d2);
    if (std::abs(x.grad()[i] - d1) > 1e-12 || std::abs(df[i] - d1) > 1e-12 || std::abs(d2f[i] - d2) > 1e-10) {
      std::fprintf(stderr, "gradient mismatch at x = %g\n", v);
      return 1;
    }
  }
  std::ofstream("tape.dot") << [&] {
    std::ostringstream s;
    tape.write_dot(s);
    return s.str();
  }();
  std::cout << "\nwrote tape.dot (render with: dot -Tsvg tape.dot -o tape.svg)\n";
  return 0;
}

}  // namespace

int main() { return examples::run_main("tape_tour", run); }
