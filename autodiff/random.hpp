// Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random
// numbers: as easy as 1, 2, 3", SC 2011), written from the paper's description.
//
// Philox is a keyed bijection of a 128-bit counter: the same (key, counter) always gives the same
// four 32-bit words, and different counters give independent-looking words. So a random number is
// a pure function of WHAT it is for, not of the order in which threads ask for it:
//
//   double xi = dg::normal(seed, step, particle, component);   // the noise of one Langevin kick
//
// is the same bits with 1 or 2 threads, in any schedule, and a simulation's whole random state is
// its seed and step counter. For sequential uses (initialisers, shuffling) the `Philox` engine
// walks the counter of one (seed, stream); its state is three integers that can be saved and
// restored (checkpoints), and it satisfies std::uniform_random_bit_generator.
//
// Layout: key = (seed low word, seed high word); counter = (a low, a high, b, c) with a 64-bit and
// b, c taken modulo 2^32. The engine's block number n of (seed, stream) is philox_block(seed, n,
// stream low, stream high), so engines and the stateless helpers share one counter space: give
// them different seeds (or keep `a` ranges apart) when both are used together.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

namespace dg {

using PhiloxWords = std::array<std::uint32_t, 4>;  // a counter or one output block
using PhiloxKey = std::array<std::uint32_t, 2>;

// The Philox4x32 bijection with `rounds` rounds (10 is the standard, Crush-resistant choice).
// Each round multiplies words 0 and 2 by fixed odd constants, and the high halves of the products,
// xored with the other words and the round key, become the new words; the key is bumped by the
// Weyl constants (golden ratio, sqrt(3) - 1) between rounds.
constexpr PhiloxWords philox4x32(PhiloxWords x, PhiloxKey k, int rounds = 10) {
  constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  for (int r = 0; r < rounds; ++r) {
    if (r > 0) {
      k[0] += kWeyl0;
      k[1] += kWeyl1;
    }
    const std::uint64_t p0 = std::uint64_t{kMul0} * x[0];
    const std::uint64_t p1 = std::uint64_t{kMul1} * x[2];
    x = {static_cast<std::uint32_t>(p1 >> 32) ^ x[1] ^ k[0], static_cast<std::uint32_t>(p1),
         static_cast<std::uint32_t>(p0 >> 32) ^ x[3] ^ k[1], static_cast<std::uint32_t>(p0)};
  }
  return x;
}

// The four words for (seed, a, b, c); see the layout in the header comment.
constexpr PhiloxWords philox_block(std::uint64_t seed, std::uint64_t a, std::uint32_t b, std::uint32_t c) {
  return philox4x32({static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32), b, c},
                    {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
}

// Two words -> a double in the open interval (0, 1): the top 52 bits k give (k + 1/2) / 2^52, an
// odd multiple of 2^-53, exactly representable, never 0 and never 1 (so log() is always finite).
constexpr double words_to_open01(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t k = ((std::uint64_t{hi} << 32) | lo) >> 12;
  return (static_cast<double>(k) + 0.5) * 0x1p-52;
}

// A uniform double in (0, 1) for (seed, a, b, c) (words 0 and 1 of the block).
inline double uniform01(std::uint64_t seed, std::uint64_t a, std::uint32_t b, std::uint32_t c) {
  const PhiloxWords w = philox_block(seed, a, b, c);
  return words_to_open01(w[0], w[1]);
}

// Box-Muller on two uniforms: two independent standard normals.
inline std::array<double, 2> box_muller(double u1, double u2) {
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  return {r * std::cos(theta), r * std::sin(theta)};
}

// Two independent standard normals from one block (u1 from words 0-1, u2 from words 2-3).
inline std::array<double, 2> normal_pair(std::uint64_t seed, std::uint64_t a, std::uint32_t b, std::uint32_t c) {
  const PhiloxWords w = philox_block(seed, a, b, c);
  return box_muller(words_to_open01(w[0], w[1]), words_to_open01(w[2], w[3]));
}

// One standard normal for (seed, a, b, c): the first of normal_pair (the block is used whole,
// so neighbouring counters never share bits).
inline double normal(std::uint64_t seed, std::uint64_t a, std::uint32_t b, std::uint32_t c) {
  return normal_pair(seed, a, b, c)[0];
}

// A sequential engine over the counter of one (seed, stream): output number `position` is word
// position % 4 of block position / 4. Its whole state is State; the cached block is derived data.
class Philox {
 public:
  using result_type = std::uint32_t;
  struct State {
    std::uint64_t seed = 0;
    std::uint64_t stream = 0;
    std::uint64_t position = 0;  // how many 32-bit words have been drawn
    bool operator==(const State&) const = default;
  };

  explicit Philox(std::uint64_t seed = 0, std::uint64_t stream = 0, std::uint64_t position = 0)
      : state_{seed, stream, position} {}
  explicit Philox(const State& s) : state_(s) {}

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t block = state_.position / 4;
    if (!cached_ || block != cached_block_) {
      words_ = philox_block(state_.seed, block, static_cast<std::uint32_t>(state_.stream),
                            static_cast<std::uint32_t>(state_.stream >> 32));
      cached_block_ = block;
      cached_ = true;
    }
    return words_[state_.position++ % 4];
  }
  void discard(std::uint64_t n) { state_.position += n; }

  // A double in (0, 1) from the next two words.
  double uniform01() {
    const std::uint32_t hi = (*this)();
    return words_to_open01(hi, (*this)());
  }
  // A double in (lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // A standard normal from the next four words (Box-Muller; the second normal is dropped so that
  // the state stays three integers).
  double normal() {
    const double u1 = uniform01();
    return box_muller(u1, uniform01())[0];
  }

  const State& state() const { return state_; }
  void set_state(const State& s) {
    state_ = s;
    cached_ = false;
  }

 private:
  State state_;
  PhiloxWords words_{};
  std::uint64_t cached_block_ = 0;
  bool cached_ = false;
};

}  // namespace dg
