// NeuralField: builds the encoding, hidden layers, output and FiLM generator; the forward pass.
#include "nn/field/neural_field.hpp"

#include <cmath>
#include <stdexcept>

#include "autodiff/message.hpp"

namespace dg::nn {

namespace {

constexpr const char* kWho = "NeuralField";

void check_options(const NeuralFieldOptions& o) {
  auto fail = [](const std::string& what) { throw std::invalid_argument(std::string(kWho) + ": " + what); };
  if (o.in_dim <= 0 || o.out_dim <= 0) fail("in_dim and out_dim must be positive");
  if (o.hidden.empty()) fail("needs at least one hidden layer");
  for (index_t w : o.hidden)
    if (w <= 0) fail("hidden widths must be positive, got " + std::to_string(w));
  if (o.code_dim < 0 || o.film_hidden < 0) fail("code_dim and film_hidden must be >= 0");
  if (!std::isfinite(o.input_scale) || o.input_scale == 0) fail("input_scale must be finite and non-zero");
}

}  // namespace

const char* field_encoding_name(FieldEncoding e) {
  switch (e) {
    case FieldEncoding::None: return "none";
    case FieldEncoding::Fourier: return "fourier";
    case FieldEncoding::Siren: return "siren";
  }
  return "?";
}

// The engine is consumed in the order fourier, hidden layers, output, film.
template <class T>
NeuralField<T>::NeuralField(const NeuralFieldOptions& options, Philox& rng) : options_(options) {
  check_options(options);
  index_t width = options.in_dim + (options.time ? 1 : 0);  // input width of the next layer
  if (options.encoding == FieldEncoding::Fourier) {
    fourier = std::make_unique<FourierFeatures<T>>(width, rng, FourierFeatureOptions{options.fourier_features, options.sigma});
    this->register_module("fourier", *fourier);
    width = fourier->out_features();
  }
  const bool siren = options.encoding == FieldEncoding::Siren;
  for (std::size_t l = 0; l < options.hidden.size(); ++l) {
    if (siren) sine_layers.emplace_back(width, options.hidden[l], rng, l == 0, options.omega_0);
    else layers.emplace_back(width, options.hidden[l], rng);
    width = options.hidden[l];
  }
  this->register_module("layers", siren ? static_cast<Module<T>&>(sine_layers) : static_cast<Module<T>&>(layers));
  output = siren ? std::make_unique<Linear<T>>(width, options.out_dim, rng, siren_options(width, false, options.omega_0))
                 : std::make_unique<Linear<T>>(width, options.out_dim, rng);
  this->register_module("output", *output);
  if (options.code_dim > 0) {
    film = std::make_unique<FiLM<T>>(options.code_dim, options.hidden, rng, options.film_hidden, options.activation);
    this->register_module("film", *film);
  }
}

template <class T>
Var<T> NeuralField<T>::forward(Tape<T>& tape, Var<T> x, Var<T> t, Var<T> code) {
  // Inputs: every shape checked here, so that errors name the field.
  if (!x.valid() || x.shape().rank != 2 || x.cols() != options_.in_dim)
    throw ShapeError(describe() + ": positions x must be (N, " + std::to_string(options_.in_dim) + "), got " +
                     (x.valid() ? x.shape().str() : std::string("an empty Var")));
  const index_t N = x.rows();
  Var<T> u = options_.input_scale == 1.0 ? x : x * options_.input_scale;  // (N, d)
  if (options_.time) {
    if (!t.valid() || t.shape() != Shape{N, 1})
      throw ShapeError(describe() + ": time t must be (" + std::to_string(N) + ", 1), got " +
                       (t.valid() ? t.shape().str() : std::string("an empty Var")));
    u = concat({u, t}, 1);
  } else if (t.valid()) {
    throw std::invalid_argument(describe() + ": time given to a field built without it");
  }
  Var<T> generated;  // (R, 2 sum w) every FiLM modulation
  if (film) {
    if (!code.valid()) throw std::invalid_argument(describe() + ": needs a code (FiLM)");
    if (code.shape().rank != 2 || (code.rows() != N && code.rows() != 1))
      throw ShapeError(describe() + ": the code must have 1 or " + std::to_string(N) + " rows, got " + code.shape().str());
    generated = film->generate(tape, code);
  } else if (code.valid()) {
    throw std::invalid_argument(describe() + ": a code given to a field built without FiLM");
  }
  if (fourier) u = fourier->forward(tape, u);  // (N, 2F)
  // Hidden layers, fused when unmodulated.
  const Activation f = options_.activation;
  const bool siren = options_.encoding == FieldEncoding::Siren;
  for (std::size_t l = 0; l < options_.hidden.size(); ++l) {
    if (!film) {
      u = siren ? sine_layers[l].forward(tape, u) : layers[l].forward(tape, u, f);
      continue;
    }
    const Modulation<T> m = film->modulation(generated, l);
    u = siren ? sine_layers[l].forward(tape, u, m.gamma, m.beta) : activate(f, FiLM<T>::apply(layers[l].forward(tape, u), m));
  }
  return output->forward(tape, u);  // (N, k)
}

template <class T>
std::string NeuralField<T>::describe() const {
  Message s;
  s << "NeuralField(" << options_.in_dim << (options_.time ? " + t" : "") << " -> " << options_.out_dim << ", "
    << field_encoding_name(options_.encoding) << ", hidden [";
  for (std::size_t l = 0; l < options_.hidden.size(); ++l) s << (l ? ", " : "") << options_.hidden[l];
  s << "]";
  if (options_.code_dim) s << ", code " << options_.code_dim;
  if (options_.input_scale != 1.0) s << ", input scale " << options_.input_scale;
  s << ")";
  return s.str();
}

template class NeuralField<float>;
template class NeuralField<double>;

}  // namespace dg::nn
