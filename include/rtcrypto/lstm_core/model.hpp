#pragma once
// What an LSTM model is, without LibTorch: the sidecar JSON (features, lookback, horizon,
// normalisation, metrics, data range) and the extracted weights the fast forward pass runs.
// File convention: the model file MODEL (TorchScript, or torch::save of the project's net)
// and its sidecar MODEL.json beside it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rtcrypto/lstm_core/features.hpp"

namespace rtcrypto::lstm {

// z = (x - mean) / std per column; fitted on the training split only.
struct Normalisation {
  std::vector<double> mean, std;
  // Fits on the given rows (row-major, `cols` columns); std floors at 1e-12.
  static Normalisation fit(const float* rows, std::size_t n_rows, std::size_t cols,
                           const std::vector<std::size_t>* only_rows = nullptr);
  void apply(const float* in, float* out) const;  // one row of size mean.size()
  double denormalise(std::size_t col, double z) const { return z * std[col] + mean[col]; }
};

struct Sidecar {
  static constexpr int kVersion = 1;
  FeatureSpec spec;
  int lookback = 50;
  int horizon = 1;
  int hidden = 50;
  int layers = 1;
  Normalisation input;                       // per feature
  Normalisation target;                      // per horizon step (cumulative log return to step k)
  std::string model_format = "torchscript";  // or "torch_save" (the project's own trainer)
  std::string metrics_json = "{}";           // training/validation metrics (a JSON object)
  std::string data_json = "{}";              // data file and range (a JSON object)

  void validate() const;  // throws std::invalid_argument with the offending key
};

std::filesystem::path sidecar_path(const std::filesystem::path& model_file);
// Throws std::runtime_error naming the file and key on a missing file or a bad value.
Sidecar read_sidecar(const std::filesystem::path& json_file);
void write_sidecar(const std::filesystem::path& json_file, const Sidecar& s);

// PyTorch layout: gates stacked i, f, g, o; w_ih is 4H x in, w_hh 4H x H (row-major).
struct LstmLayerWeights {
  std::vector<float> w_ih, w_hh, b_ih, b_hh;
};
struct LstmWeights {
  int input_size = 0, hidden_size = 0, output_size = 0;
  std::vector<LstmLayerWeights> layers;
  std::vector<float> fc_w, fc_b;  // output x H, output
  void validate() const;          // shapes consistent; throws std::invalid_argument
};

struct LstmModel {
  Sidecar sidecar;
  LstmWeights weights;
  std::filesystem::path file;
  // The weights must fit the sidecar (features, hidden, layers, horizon): throws otherwise.
  void check_consistent() const;
};

// Loads MODEL and MODEL.json, extracts the weights, checks they agree. The trainer's models
// read from MODEL.weights without LibTorch; other files (TorchScript) go through the LibTorch
// module, loaded on first use (torch_module.hpp). Throws std::runtime_error with a clear
// message for a missing or corrupt file, a mismatch, or a missing module.
LstmModel load_lstm_model(const std::filesystem::path& model_file);

}  // namespace rtcrypto::lstm
