// MODEL.weights: the trainer's models load without LibTorch; stale or corrupt files are caught,
// and a model that needs LibTorch without the module gives a clear error.
#include "rtcrypto/lstm_core/weights_file.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "lstm_core/synthetic.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"
#include "rtcrypto/lstm_core/torch_module.hpp"
#include "test_support.hpp"

namespace rtcrypto::lstm {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void spit(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

// A model as the trainer leaves it: MODEL (here stand-in bytes), MODEL.json, MODEL.weights.
LstmModel saved_model(const rtcrypto::test::TempDir& dir, const std::string& name) {
  auto m = test::random_model(test::random_walk_bars(40), 8, 6, 2, 3);
  spit(dir / name, "stand-in for a torch::save archive of " + name);
  write_sidecar(dir / (name + ".json"), m.sidecar);
  write_weights_file(dir / name, m.weights);
  return m;
}

// Points the loader at a module that does not exist (restored after the test).
class NoModule : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* v = std::getenv("RTCRYPTO_TORCH_MODULE")) saved_ = v;
    ::setenv("RTCRYPTO_TORCH_MODULE", "/nonexistent/librtcrypto_torch.so", 1);
  }
  void TearDown() override {
    if (saved_)
      ::setenv("RTCRYPTO_TORCH_MODULE", saved_->c_str(), 1);
    else
      ::unsetenv("RTCRYPTO_TORCH_MODULE");
  }
  std::optional<std::string> saved_;
  rtcrypto::test::TempDir dir_;
};

TEST_F(NoModule, OwnModelLoadsFromItsWeightsFileWithoutLibTorch) {
  const auto m = saved_model(dir_, "m.pt");
  EXPECT_EQ(weights_path(dir_ / "m.pt"), dir_ / "m.pt.weights");
  LstmModel loaded = load_lstm_model(dir_ / "m.pt");
  EXPECT_EQ(loaded.file, dir_ / "m.pt");
  EXPECT_EQ(loaded.sidecar.lookback, 8);
  EXPECT_EQ(loaded.weights.input_size, m.weights.input_size);
  EXPECT_EQ(loaded.weights.hidden_size, 6);
  EXPECT_EQ(loaded.weights.output_size, 3);
  ASSERT_EQ(loaded.weights.layers.size(), 2u);
  for (std::size_t l = 0; l < 2; ++l) {  // bit-exact
    EXPECT_EQ(loaded.weights.layers[l].w_ih, m.weights.layers[l].w_ih);
    EXPECT_EQ(loaded.weights.layers[l].w_hh, m.weights.layers[l].w_hh);
    EXPECT_EQ(loaded.weights.layers[l].b_ih, m.weights.layers[l].b_ih);
    EXPECT_EQ(loaded.weights.layers[l].b_hh, m.weights.layers[l].b_hh);
  }
  EXPECT_EQ(loaded.weights.fc_w, m.weights.fc_w);
  EXPECT_EQ(loaded.weights.fc_b, m.weights.fc_b);
  EXPECT_NE(make_lstm_signal((dir_ / "m.pt").string()), nullptr);
}

TEST_F(NoModule, ModelNeedingLibTorchSaysWhichModuleCannotBeLoaded) {
  saved_model(dir_, "m.pt");
  spit(dir_ / "m.pt", "a TorchScript file from Python replaced the model");  // weights stale
  EXPECT_FALSE(read_weights_file(dir_ / "m.pt").has_value());
  try {
    load_lstm_model(dir_ / "m.pt");
    FAIL() << "loaded without LibTorch";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    if (what.find("built without LibTorch") != std::string::npos) GTEST_SKIP() << what;
    EXPECT_NE(what.find("cannot load /nonexistent/librtcrypto_torch.so"), std::string::npos)
        << what;
    EXPECT_NE(what.find("m.pt"), std::string::npos) << what;
  }
  // Training needs the module too; the error is an exception, not a crash.
  EXPECT_THROW(train_lstm(test::random_walk_bars(100), TrainOptions{}, dir_ / "t.pt"),
               std::runtime_error);
  EXPECT_EQ(torch_module_path(), "/nonexistent/librtcrypto_torch.so");
}

TEST(LstmWeightsFile, AbsentFileMeansNone) {
  rtcrypto::test::TempDir dir;
  spit(dir / "m.pt", "x");
  EXPECT_FALSE(read_weights_file(dir / "m.pt").has_value());
}

TEST(LstmWeightsFile, CorruptOrTruncatedFilesFailNamingTheFile) {
  rtcrypto::test::TempDir dir;
  saved_model(dir, "m.pt");
  const std::string good = slurp(dir / "m.pt.weights");
  auto error_with = [&](const std::string& bytes) -> std::string {
    spit(dir / "m.pt.weights", bytes);
    try {
      read_weights_file(dir / "m.pt");
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_with("garbage").find("not a weights file"), std::string::npos);
  EXPECT_NE(error_with(good.substr(0, good.size() - 3)).find("truncated"), std::string::npos);
  EXPECT_NE(error_with(good + "x").find("trailing"), std::string::npos);
  std::string bad_dims = good;
  bad_dims[16] = '\x7f', bad_dims[17] = bad_dims[18] = bad_dims[19] = '\x7f';  // hidden
  const auto err = error_with(bad_dims);
  EXPECT_NE(err.find("implausible"), std::string::npos) << err;
  EXPECT_NE(err.find("m.pt.weights"), std::string::npos) << err;
  std::string other_version = good;
  other_version[8] = 9;
  EXPECT_NE(error_with(other_version).find("version 9"), std::string::npos);
  spit(dir / "m.pt.weights", good);
  EXPECT_TRUE(read_weights_file(dir / "m.pt").has_value());
}

TEST(LstmWeightsFile, MismatchWithTheSidecarIsCaughtAtLoad) {
  rtcrypto::test::TempDir dir;
  auto m = saved_model(dir, "m.pt");
  m.sidecar.hidden = 16;
  write_sidecar(dir / "m.pt.json", m.sidecar);
  try {
    load_lstm_model(dir / "m.pt");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("hidden"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rtcrypto::lstm
