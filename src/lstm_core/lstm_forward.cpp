#include "rtcrypto/lstm_core/lstm_forward.hpp"

#include <algorithm>
#include <cstring>

namespace rtcrypto::lstm {
namespace {

namespace generic {
#define RTC_VW 4
#include "lstm_kernel.inc"
#undef RTC_VW
}  // namespace generic

// The same kernel for CPUs with AVX2 and FMA, chosen at run time (the rest of the build
// stays at the baseline instruction set). Other architectures run the generic one.
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
#define RTC_VW 8
#include "lstm_kernel.inc"
#undef RTC_VW
}  // namespace avx2
#pragma GCC pop_options
#else
namespace avx2 = generic;
#endif

using ProjectFn = void (*)(const float*, long, int, int, const float*, const float*, int, float*);
using RecurFn = void (*)(const float*, int, int, int, const float*, int, int, float*, float*);

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

// Lane8 is standard-layout with its floats first: the two pointers interconvert (and an
// empty vector's null data() stays null).
const float* floats(const std::vector<LstmForward::Lane8>& v) {
  return reinterpret_cast<const float*>(v.data());
}
float* floats(std::vector<LstmForward::Lane8>& v) {
  return reinterpret_cast<float*>(v.data());
}

// Packs rows r = gate*H + unit of a PyTorch (4H x cols) matrix into [block][col][gate][8],
// each gate times the factor that makes its sum the exponent the kernel's activations take:
// -1 for i, f, o (sigmoid(x) = 1/(1+e^-x)) and -2 for g (tanh via e^-2x). Exact in float.
std::vector<LstmForward::Lane8> pack(const std::vector<float>& w, int H, int cols, int blocks) {
  static constexpr float kGateScale[4] = {-1.0f, -1.0f, -2.0f, -1.0f};
  std::vector<LstmForward::Lane8> out(static_cast<std::size_t>(blocks) * cols * 4,
                                      LstmForward::Lane8{});
  for (int q = 0; q < 4; ++q)
    for (int unit = 0; unit < H; ++unit)
      for (int j = 0; j < cols; ++j)
        out[(static_cast<std::size_t>(unit / 8) * cols + j) * 4 + q].v[unit % 8] =
            kGateScale[q] * w[static_cast<std::size_t>(q * H + unit) * cols + j];
  return out;
}

}  // namespace

LstmForward::LstmForward(const LstmWeights& w, Kernel kernel)
    : in_(w.input_size),
      hidden_(w.hidden_size),
      out_(w.output_size),
      blocks_((w.hidden_size + 7) / 8),
      avx2_(kernel == Kernel::Best && cpu_has_avx2_fma()) {
  w.validate();
  const int H = hidden_;
  for (std::size_t l = 0; l < w.layers.size(); ++l) {
    const auto& src = w.layers[l];
    Layer layer;
    layer.in = l == 0 ? in_ : H;
    layer.w_in = pack(src.w_ih, H, layer.in, blocks_);
    layer.w_rec = pack(src.w_hh, H, H, blocks_);
    std::vector<float> bias(src.b_ih.size());
    for (std::size_t r = 0; r < bias.size(); ++r) bias[r] = src.b_ih[r] + src.b_hh[r];
    layer.bias = pack(bias, H, 1, blocks_);
    layers_.push_back(std::move(layer));
  }
  fc_w_ = w.fc_w;
  fc_b_ = w.fc_b;
  y_.resize(static_cast<std::size_t>(out_));
  c_.resize(static_cast<std::size_t>(blocks_));
}

// Layer 0's projections live in a ring over the window's rows: a window slid by one row
// (the next bar) needs one new projection, the same window none.
void LstmForward::project_layer0(const float* window, int steps) {
  const ProjectFn project = avx2_ ? avx2::project_rows : generic::project_rows;
  const Layer& l0 = layers_.front();
  const std::size_t row = static_cast<std::size_t>(in_),
                    lanes = 4 * static_cast<std::size_t>(blocks_);
  const std::size_t S = static_cast<std::size_t>(steps);
  auto proj_row = [&](std::size_t slot) { return floats(proj0_) + slot * lanes * 8; };
  if (steps == seen_steps_ && steps > 0) {
    const std::size_t bytes = (S - 1) * row * sizeof(float);
    if (std::memcmp(window, seen_rows_.data() + row, bytes) == 0) {  // slid by one
      std::memmove(seen_rows_.data(), seen_rows_.data() + row, bytes);
      std::memcpy(seen_rows_.data() + (S - 1) * row, window + (S - 1) * row, row * sizeof(float));
      ring_start_ = ring_start_ + 1 == steps ? 0 : ring_start_ + 1;
      const int last = ring_start_ == 0 ? steps - 1 : ring_start_ - 1;
      project(window + (S - 1) * row, 0, 1, in_, floats(l0.w_in), floats(l0.bias), blocks_,
              proj_row(static_cast<std::size_t>(last)));
      last_projected_ = 1;
      return;
    }
    if (std::memcmp(window, seen_rows_.data(), S * row * sizeof(float)) == 0) {
      last_projected_ = 0;
      return;
    }
  }
  seen_rows_.assign(window, window + S * row);
  proj0_.resize(S * lanes);
  ring_start_ = 0;
  seen_steps_ = steps;
  project(window, static_cast<long>(row), steps, in_, floats(l0.w_in), floats(l0.bias), blocks_,
          floats(proj0_));
  last_projected_ = steps;
}

const float* LstmForward::run(const float* window, int steps) {
  steps = std::max(steps, 0);
  const ProjectFn project = avx2_ ? avx2::project_rows : generic::project_rows;
  const RecurFn recur = avx2_ ? avx2::recur : generic::recur;
  const std::size_t S = static_cast<std::size_t>(steps), hp = 8 * static_cast<std::size_t>(blocks_);
  for (auto& h : h_seq_)
    if (h.size() < (S + 1) * hp) h.resize((S + 1) * hp);
  if (layers_.size() > 1 && proj_.size() < S * 4 * blocks_) proj_.resize(S * 4 * blocks_);

  project_layer0(window, steps);
  float* h_out = nullptr;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    h_out = h_seq_[l % 2].data();
    std::fill(h_out, h_out + hp, 0.0f);  // h before the first step
    std::fill(floats(c_), floats(c_) + hp, 0.0f);
    if (l == 0) {
      recur(floats(proj0_), ring_start_, steps, steps, floats(layer.w_rec), hidden_, blocks_,
            floats(c_), h_out);
    } else {
      // Inputs: the layer below's h after each step (rows 1..steps of its sequence).
      const float* below = h_seq_[(l - 1) % 2].data() + hp;
      project(below, static_cast<long>(hp), steps, layer.in, floats(layer.w_in), floats(layer.bias),
              blocks_, floats(proj_));
      recur(floats(proj_), 0, steps, steps, floats(layer.w_rec), hidden_, blocks_, floats(c_),
            h_out);
    }
  }
  const float* h_last = h_out + S * hp;
  for (int o = 0; o < out_; ++o) {
    float acc = fc_b_[static_cast<std::size_t>(o)];
    const float* row = fc_w_.data() + static_cast<std::size_t>(o) * hidden_;
    for (int k = 0; k < hidden_; ++k) acc += row[k] * h_last[k];
    y_[static_cast<std::size_t>(o)] = acc;
  }
  return y_.data();
}

}  // namespace rtcrypto::lstm
