#pragma once
// LibTorch's own forward pass of a model file, to check the fast path against (tests, bench).
#include <filesystem>
#include <memory>
#include <vector>

namespace rtcrypto::lstm {

class TorchReference {
 public:
  // TorchScript with a forward method, or the project's torch::save file (sidecar needed).
  explicit TorchReference(const std::filesystem::path& model_file);
  ~TorchReference();
  // One window (steps x features, oldest first) -> the model's raw outputs.
  std::vector<float> predict(const float* window, int steps, int features);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sets LibTorch's intra-op threads (serving and benchmarks use 1).
void set_torch_threads(int threads);

}  // namespace rtcrypto::lstm
