#pragma once
// LibTorch lives in a module (librtcrypto_torch.so) loaded on first use, so commands that never
// train or read a TorchScript file do not pay its start-up (~0.4 s) and memory (~166 MB).
// The module exports one extern "C" entry returning this table; the ABI number must match.
// Both sides are built from the same sources with the same compiler, so C++ types pass as is.
#include <filesystem>
#include <functional>
#include <vector>

#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/lstm/trainer.hpp"
#include "rtcrypto/lstm_core/model.hpp"

namespace rtcrypto::lstm {

// Bump on any change to this table or to the types it passes.
inline constexpr int kTorchModuleAbi = 1;
inline constexpr const char* kTorchModuleEntry = "rtcrypto_torch_module";
inline constexpr const char* kTorchModuleFile = "librtcrypto_torch.so";

struct TorchModuleApi {
  int abi;
  // Reads MODEL (TorchScript or torch::save) and MODEL.json with LibTorch.
  LstmModel (*load_model)(const std::filesystem::path& model_file);
  TrainReport (*train)(const std::vector<MinuteBar>& bars, const TrainOptions& options,
                       const std::filesystem::path& out_model,
                       const std::function<void(const EpochReport&)>& progress);
  void (*set_threads)(int threads);
};

// The module's table, loaded on the first call: linked in (the static `lstm` part, as tests
// do), else dlopen of $RTCRYPTO_TORCH_MODULE or librtcrypto_torch.so beside /proc/self/exe.
// Throws std::runtime_error: "rtcrypto was built without LibTorch" or "cannot load <path>: ...".
const TorchModuleApi& torch_module();

// Where torch_module() looks when the module is not linked in.
std::filesystem::path torch_module_path();

}  // namespace rtcrypto::lstm
