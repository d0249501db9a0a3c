// The trainer's MODEL.weights holds exactly what LibTorch reads from MODEL; programs that link
// the LibTorch part use it directly (no dlopen).
#include <gtest/gtest.h>

#include <cstdlib>

#include "lstm_core/synthetic.hpp"
#include "rtcrypto/lstm/trainer.hpp"
#include "rtcrypto/lstm_core/torch_module.hpp"
#include "rtcrypto/lstm_core/weights_file.hpp"
#include "test_support.hpp"

namespace rtcrypto::lstm {
namespace {

TEST(LstmWeightsFileTorch, TrainerWritesTheWeightsLibTorchReads) {
  rtcrypto::test::TempDir dir;
  TrainOptions o;
  o.lookback = 6;
  o.hidden = 5;
  o.layers = 2;
  o.horizon = 2;
  o.epochs = 1;
  o.threads = 1;
  o.spec.sma_window = 5;
  o.spec.atr_window = 5;
  train_lstm(test::random_walk_bars(200), o, dir / "m.pt");
  auto own = read_weights_file(dir / "m.pt");
  ASSERT_TRUE(own.has_value());
  const LstmModel via_torch = torch_module().load_model(dir / "m.pt");
  const LstmModel loaded = load_lstm_model(dir / "m.pt");
  for (const LstmWeights* w : {static_cast<const LstmWeights*>(&*own), &loaded.weights}) {
    EXPECT_EQ(w->input_size, via_torch.weights.input_size);
    EXPECT_EQ(w->hidden_size, 5);
    EXPECT_EQ(w->output_size, 2);
    ASSERT_EQ(w->layers.size(), 2u);
    for (std::size_t l = 0; l < 2; ++l) {
      EXPECT_EQ(w->layers[l].w_ih, via_torch.weights.layers[l].w_ih);
      EXPECT_EQ(w->layers[l].w_hh, via_torch.weights.layers[l].w_hh);
      EXPECT_EQ(w->layers[l].b_ih, via_torch.weights.layers[l].b_ih);
      EXPECT_EQ(w->layers[l].b_hh, via_torch.weights.layers[l].b_hh);
    }
    EXPECT_EQ(w->fc_w, via_torch.weights.fc_w);
    EXPECT_EQ(w->fc_b, via_torch.weights.fc_b);
  }
  EXPECT_EQ(loaded.sidecar.model_format, "torch_save");
}

TEST(LstmWeightsFileTorch, LinkedInPartIsUsedWithoutTheModuleFile) {
  ::setenv("RTCRYPTO_TORCH_MODULE", "/nonexistent/librtcrypto_torch.so", 1);
  const TorchModuleApi& api = torch_module();
  ::unsetenv("RTCRYPTO_TORCH_MODULE");
  EXPECT_EQ(api.abi, kTorchModuleAbi);
  EXPECT_NE(api.load_model, nullptr);
  EXPECT_NE(api.train, nullptr);
  EXPECT_NE(api.set_threads, nullptr);
}

}  // namespace
}  // namespace rtcrypto::lstm
