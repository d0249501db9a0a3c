#include "rtcrypto/lstm_core/lstm_forward.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace rtcrypto::lstm {
namespace {

// exp for the gate activations, branch-free so the loops over a gate vector vectorise (Cephes'
// expf polynomial: ~1 ulp on the clamped range, far inside the 1e-5 the outputs are held to).
inline float fast_exp(float x) {
  x = std::min(std::max(x, -87.0f), 88.0f);
  const float t = x * 1.44269504088896341f + 0.5f;
  int n = static_cast<int>(t);
  n -= (t < static_cast<float>(n)) ? 1 : 0;  // floor for negative t
  const float fn = static_cast<float>(n);
  float r = x - fn * 0.693359375f;
  r -= fn * -2.12194440e-4f;
  float y = 1.9875691500e-4f;
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * r * r + r + 1.0f;
  return y * std::bit_cast<float>((n + 127) << 23);
}
inline float sigmoid(float x) {
  return 1.0f / (1.0f + fast_exp(-x));
}
inline float fast_tanh(float x) {
  return 2.0f / (1.0f + fast_exp(-2.0f * x)) - 1.0f;
}

// One LSTM step of one layer: gates from x and h, then c and h in place. Written as axpy
// loops (no reductions) so the compiler vectorises them; cloned for AVX2+FMA where the CPU
// has it.
__attribute__((target_clones("arch=haswell", "default"))) void lstm_step(
    float* __restrict g, const float* __restrict bias, const float* __restrict w_ih_t,
    const float* __restrict x, int in, const float* __restrict w_hh_t, float* __restrict h,
    float* __restrict c, int H) {
  const int G = 4 * H;
  for (int k = 0; k < G; ++k) g[k] = bias[k];
  for (int j = 0; j < in; ++j) {
    const float a = x[j];
    const float* col = w_ih_t + static_cast<std::size_t>(j) * G;
    for (int k = 0; k < G; ++k) g[k] += a * col[k];
  }
  int j = 0;
  for (; j + 4 <= H; j += 4) {  // four columns per pass: a quarter of the loads/stores of g
    const float a0 = h[j], a1 = h[j + 1], a2 = h[j + 2], a3 = h[j + 3];
    const float* c0 = w_hh_t + static_cast<std::size_t>(j) * G;
    const float *c1 = c0 + G, *c2 = c1 + G, *c3 = c2 + G;
    for (int k = 0; k < G; ++k) g[k] += a0 * c0[k] + a1 * c1[k] + a2 * c2[k] + a3 * c3[k];
  }
  for (; j < H; ++j) {
    const float a = h[j];
    const float* col = w_hh_t + static_cast<std::size_t>(j) * G;
    for (int k = 0; k < G; ++k) g[k] += a * col[k];
  }
  for (int k = 0; k < 2 * H; ++k) g[k] = sigmoid(g[k]);        // i, f
  for (int k = 2 * H; k < 3 * H; ++k) g[k] = fast_tanh(g[k]);  // g
  for (int k = 3 * H; k < G; ++k) g[k] = sigmoid(g[k]);        // o
  for (int k = 0; k < H; ++k) {
    c[k] = g[H + k] * c[k] + g[k] * g[2 * H + k];
    h[k] = g[3 * H + k] * fast_tanh(c[k]);
  }
}

}  // namespace

LstmForward::LstmForward(const LstmWeights& w)
    : in_(w.input_size), hidden_(w.hidden_size), out_(w.output_size) {
  w.validate();
  const int G = 4 * hidden_;
  for (std::size_t l = 0; l < w.layers.size(); ++l) {
    const auto& src = w.layers[l];
    Layer layer;
    layer.in = l == 0 ? in_ : hidden_;
    layer.w_ih_t.resize(static_cast<std::size_t>(layer.in) * G);
    layer.w_hh_t.resize(static_cast<std::size_t>(hidden_) * G);
    for (int r = 0; r < G; ++r) {
      for (int j = 0; j < layer.in; ++j)
        layer.w_ih_t[static_cast<std::size_t>(j) * G + r] =
            src.w_ih[static_cast<std::size_t>(r) * layer.in + j];
      for (int j = 0; j < hidden_; ++j)
        layer.w_hh_t[static_cast<std::size_t>(j) * G + r] =
            src.w_hh[static_cast<std::size_t>(r) * hidden_ + j];
    }
    layer.bias.resize(G);
    for (int r = 0; r < G; ++r) layer.bias[r] = src.b_ih[r] + src.b_hh[r];
    layers_.push_back(std::move(layer));
  }
  fc_w_ = w.fc_w;
  fc_b_ = w.fc_b;
  const std::size_t L = layers_.size(), H = static_cast<std::size_t>(hidden_);
  gates_.resize(static_cast<std::size_t>(G));
  h_.resize(L * H);
  c_.resize(L * H);
  y_.resize(static_cast<std::size_t>(out_));
}

const float* LstmForward::run(const float* window, int steps) {
  const int H = hidden_;
  std::fill(h_.begin(), h_.end(), 0.0f);
  std::fill(c_.begin(), c_.end(), 0.0f);
  float* g = gates_.data();
  for (int t = 0; t < steps; ++t) {
    const float* x = window + static_cast<std::size_t>(t) * in_;
    for (std::size_t l = 0; l < layers_.size(); ++l) {
      const Layer& layer = layers_[l];
      float* h = h_.data() + l * H;
      float* c = c_.data() + l * H;
      lstm_step(g, layer.bias.data(), layer.w_ih_t.data(), x, layer.in, layer.w_hh_t.data(), h, c,
                H);
      x = h;  // the next layer's input at this step
    }
  }
  const float* h_last = h_.data() + (layers_.size() - 1) * H;
  for (int o = 0; o < out_; ++o) {
    float acc = fc_b_[o];
    const float* row = fc_w_.data() + static_cast<std::size_t>(o) * H;
    for (int k = 0; k < H; ++k) acc += row[k] * h_last[k];
    y_[o] = acc;
  }
  return y_.data();
}

}  // namespace rtcrypto::lstm
