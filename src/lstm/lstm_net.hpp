#pragma once
// The project's network in LibTorch: LSTM(batch_first) -> Linear on the last step. The
// parameter names (lstm.weight_ih_l0, ..., fc.weight, fc.bias) are those of the Python
// script's module, so both load the same way.
#include <torch/torch.h>

namespace rtcrypto::lstm {

struct LstmNetImpl : torch::nn::Module {
  LstmNetImpl(int input, int hidden, int layers, int output)
      : lstm(register_module(
            "lstm",
            torch::nn::LSTM(
                torch::nn::LSTMOptions(input, hidden).num_layers(layers).batch_first(true)))),
        fc(register_module("fc", torch::nn::Linear(hidden, output))) {}
  torch::Tensor forward(const torch::Tensor& x) {
    auto out = std::get<0>(lstm->forward(x));
    return fc->forward(out.select(1, out.size(1) - 1));
  }
  torch::nn::LSTM lstm;
  torch::nn::Linear fc;
};
TORCH_MODULE(LstmNet);

}  // namespace rtcrypto::lstm
