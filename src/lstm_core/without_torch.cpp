// Stand-ins for the LibTorch `lstm` part when the build has no LibTorch: loading a model
// fails with a clear message instead of a link error.
#ifdef RTCRYPTO_WITHOUT_TORCH
#include <stdexcept>

#include "rtcrypto/lstm/trainer.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"

namespace rtcrypto::lstm {

LstmModel load_lstm_model(const std::filesystem::path& model_file) {
  throw std::runtime_error("cannot load LSTM model " + model_file.string() +
                           ": rtcrypto was built without LibTorch (install libtorch-dev)");
}

std::unique_ptr<SignalSource> make_lstm_signal(const std::string& model_path,
                                               LstmSignalOptions options) {
  return std::make_unique<LstmSignal>(load_lstm_model(model_path), options);
}

TrainReport train_lstm(const std::vector<MinuteBar>&, const TrainOptions&,
                       const std::filesystem::path&,
                       const std::function<void(const EpochReport&)>&) {
  throw std::runtime_error("cannot train an LSTM: rtcrypto was built without LibTorch");
}

}  // namespace rtcrypto::lstm
#endif
