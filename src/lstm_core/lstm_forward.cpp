#include "rtcrypto/lstm_core/lstm_forward.hpp"

#include <algorithm>
#include <cmath>

namespace rtcrypto::lstm {
namespace {

inline float sigmoid(float x) {
  return 1.0f / (1.0f + std::exp(-x));
}

// g += a * col over n entries: written as an axpy so the compiler vectorises it without
// reassociating a reduction.
inline void axpy(float* __restrict g, const float* __restrict col, float a, int n) {
  for (int k = 0; k < n; ++k) g[k] += a * col[k];
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
  const int H = hidden_, G = 4 * hidden_;
  std::fill(h_.begin(), h_.end(), 0.0f);
  std::fill(c_.begin(), c_.end(), 0.0f);
  float* g = gates_.data();
  for (int t = 0; t < steps; ++t) {
    const float* x = window + static_cast<std::size_t>(t) * in_;
    for (std::size_t l = 0; l < layers_.size(); ++l) {
      const Layer& layer = layers_[l];
      float* h = h_.data() + l * H;
      float* c = c_.data() + l * H;
      std::copy(layer.bias.begin(), layer.bias.end(), g);
      for (int j = 0; j < layer.in; ++j)
        axpy(g, layer.w_ih_t.data() + static_cast<std::size_t>(j) * G, x[j], G);
      for (int j = 0; j < H; ++j)
        axpy(g, layer.w_hh_t.data() + static_cast<std::size_t>(j) * G, h[j], G);
      for (int k = 0; k < H; ++k) {
        const float i = sigmoid(g[k]);
        const float f = sigmoid(g[H + k]);
        const float gg = std::tanh(g[2 * H + k]);
        const float o = sigmoid(g[3 * H + k]);
        c[k] = f * c[k] + i * gg;
        h[k] = o * std::tanh(c[k]);
      }
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
