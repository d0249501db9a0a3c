#pragma once
// A specialised LSTM -> Linear forward pass for serving (batch 1, float, one thread): the
// same arithmetic as PyTorch's nn.LSTM(batch_first) + nn.Linear on the last step, without
// LibTorch's per-op overhead. Weights are packed gate-major in blocks of 8 hidden units so
// each step is a register-blocked axpy over h; an AVX2+FMA build of the kernel is picked at
// construction when the CPU has it (the generic build runs everywhere). Scratch grows only
// when `steps` grows: in steady state run() allocates nothing.
#include <cstddef>
#include <vector>

#include "rtcrypto/lstm_core/model.hpp"

namespace rtcrypto::lstm {

class LstmForward {
 public:
  enum class Kernel { Best, Generic };  // Best: AVX2+FMA when the CPU has both
  explicit LstmForward(const LstmWeights& weights, Kernel kernel = Kernel::Best);
  // window: `steps` rows of input_size floats (oldest first). Returns output_size floats,
  // valid until the next call. When the window is the previous one slid by one row (or the
  // same one), the first layer's input projections of the rows seen before are reused.
  const float* run(const float* window, int steps);
  int input_size() const { return in_; }
  int output_size() const { return out_; }
  bool uses_avx2() const { return avx2_; }
  // Rows whose input projection the last run() computed (the rest came from the cache).
  int last_projected_rows() const { return last_projected_; }

  struct alignas(32) Lane8 {  // 8 floats: one gate of one block of 8 hidden units
    float v[8];
  };

 private:
  struct Layer {
    int in = 0;                // inputs per step
    std::vector<Lane8> w_in;   // [block][input][gate]: W_ih packed
    std::vector<Lane8> w_rec;  // [block][h][gate]: W_hh packed
    std::vector<Lane8> bias;   // [block][gate]: b_ih + b_hh
  };
  void project_layer0(const float* window, int steps);

  int in_, hidden_, out_, blocks_;
  bool avx2_ = false;
  std::vector<Layer> layers_;
  std::vector<float> fc_w_, fc_b_, y_;
  // Scratch: layer 0's projections as a ring over the window's rows (with a copy of those
  // rows to recognise a slid window), the deeper layers' projections, h sequences, c.
  std::vector<Lane8> proj0_, proj_, c_;
  std::vector<float> seen_rows_, h_seq_[2];
  int seen_steps_ = 0, ring_start_ = 0, last_projected_ = 0;
};

}  // namespace rtcrypto::lstm
