// The lstm functions the rest of the program calls. The project's own models (with their
// MODEL.weights) load here without LibTorch; TorchScript files and training go to the LibTorch
// module (torch_module.hpp), loaded on first use.
#include <stdexcept>

#include "rtcrypto/lstm/trainer.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"
#include "rtcrypto/lstm_core/torch_module.hpp"
#include "rtcrypto/lstm_core/weights_file.hpp"

namespace rtcrypto::lstm {

LstmModel load_lstm_model(const std::filesystem::path& model_file) {
  if (!std::filesystem::exists(model_file))
    throw std::runtime_error("LSTM model " + model_file.string() + " not found");
  if (auto weights = read_weights_file(model_file)) {
    LstmModel model;
    model.file = model_file;
    model.sidecar = read_sidecar(sidecar_path(model_file));
    model.weights = std::move(*weights);
    model.check_consistent();
    return model;
  }
  try {
    return torch_module().load_model(model_file);
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    if (what.rfind("LSTM model", 0) == 0) throw;
    throw std::runtime_error("cannot load LSTM model " + model_file.string() + ": " + what);
  }
}

std::unique_ptr<SignalSource> make_lstm_signal(const std::string& model_path,
                                               LstmSignalOptions options) {
  return std::make_unique<LstmSignal>(load_lstm_model(model_path), options);
}

TrainReport train_lstm(const std::vector<MinuteBar>& bars, const TrainOptions& options,
                       const std::filesystem::path& out_model,
                       const std::function<void(const EpochReport&)>& progress) {
  const auto& torch = torch_module();
  return torch.train(bars, options, out_model, progress);
}

}  // namespace rtcrypto::lstm
