#pragma once
// The LibTorch implementations behind the lstm seam (torch_module.hpp); the rest of the
// program reaches them through the module's table, never by name.
#include <filesystem>
#include <functional>
#include <vector>

#include "rtcrypto/lstm/trainer.hpp"
#include "rtcrypto/lstm_core/model.hpp"

namespace rtcrypto::lstm {

LstmModel load_lstm_model_with_torch(const std::filesystem::path& model_file);
TrainReport train_lstm_with_torch(const std::vector<MinuteBar>& bars, const TrainOptions& options,
                                  const std::filesystem::path& out_model,
                                  const std::function<void(const EpochReport&)>& progress);

}  // namespace rtcrypto::lstm
