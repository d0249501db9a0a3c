#pragma once
// Trains the project's LSTM (LSTM -> Linear on the last step) on minute bars with LibTorch and
// writes MODEL (torch::save) + MODEL.json + MODEL.weights. No LibTorch types here: the
// definition in lstm_core calls the LibTorch module (torch_module.hpp), which throws a clear
// error when it is missing or the build has no LibTorch.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/lstm_core/model.hpp"

namespace rtcrypto::lstm {

struct TrainOptions {
  FeatureSpec spec;
  int lookback = 50;
  int horizon = 1;
  int hidden = 50;
  int layers = 1;
  int epochs = 20;
  int batch_size = 256;
  double learning_rate = 1e-3;
  int patience = 3;           // early stopping: epochs without a better validation loss
  double val_fraction = 0.2;  // the last part of the bars (by time) validates
  std::uint64_t seed = 42;
  int threads = 2;                    // data-parallel shards of each batch, one thread each
  std::size_t max_train_windows = 0;  // per epoch, a fresh random sample (0 = all)
  std::size_t max_val_windows = 0;    // evenly spaced over the validation split (0 = all)
  std::string data_label;             // the bars file, recorded in the sidecar
};

struct EpochReport {
  int epoch = 0;
  double train_loss = 0, val_loss = 0;  // MSE of the normalised target
  double seconds = 0, samples_per_sec = 0;
  bool best = false;
};

struct TrainReport {
  std::size_t train_windows = 0, val_windows = 0;
  int best_epoch = 0;
  double best_val_loss = 0;
  double samples_per_sec = 0;  // training samples (forward + backward) per second
  std::vector<EpochReport> epochs;
  Sidecar sidecar;
};

// Throws std::invalid_argument for bad options or too little data.
TrainReport train_lstm(const std::vector<MinuteBar>& bars, const TrainOptions& options,
                       const std::filesystem::path& out_model,
                       const std::function<void(const EpochReport&)>& progress = {});

}  // namespace rtcrypto::lstm
