#pragma once
// A specialised LSTM -> Linear forward pass for serving (batch 1, float, one thread): the
// same arithmetic as PyTorch's nn.LSTM(batch_first) + nn.Linear on the last step, without
// LibTorch's per-op overhead. Buffers are allocated once: run() allocates nothing.
#include <vector>

#include "rtcrypto/lstm_core/model.hpp"

namespace rtcrypto::lstm {

class LstmForward {
 public:
  explicit LstmForward(const LstmWeights& weights);
  // window: `steps` rows of input_size floats (oldest first). Returns output_size floats,
  // valid until the next call.
  const float* run(const float* window, int steps);
  int input_size() const { return in_; }
  int output_size() const { return out_; }

 private:
  struct Layer {
    int in = 0;
    std::vector<float> w_ih_t;  // in x 4H: column j of W_ih stored contiguously
    std::vector<float> w_hh_t;  // H x 4H
    std::vector<float> bias;    // b_ih + b_hh
  };
  int in_, hidden_, out_;
  std::vector<Layer> layers_;
  std::vector<float> fc_w_, fc_b_;
  std::vector<float> gates_, h_, c_, y_;
};

}  // namespace rtcrypto::lstm
