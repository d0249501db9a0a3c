// The LibTorch module's one exported symbol: the table lstm_core's loader checks and calls.
#include "rtcrypto/lstm/torch_reference.hpp"
#include "rtcrypto/lstm_core/torch_module.hpp"
#include "with_torch.hpp"

extern "C" __attribute__((visibility("default"))) const rtcrypto::lstm::TorchModuleApi*
rtcrypto_torch_module() {
  using namespace rtcrypto::lstm;
  static const TorchModuleApi api{kTorchModuleAbi, &load_lstm_model_with_torch,
                                  &train_lstm_with_torch, &set_torch_threads};
  return &api;
}
