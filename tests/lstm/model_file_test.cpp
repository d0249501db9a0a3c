// Loading model files: the project's own (torch::save) and the errors for bad ones.
#include <gtest/gtest.h>

#include <fstream>

#include "lstm_core/synthetic.hpp"
#include "rtcrypto/lstm/torch_reference.hpp"
#include "rtcrypto/lstm/trainer.hpp"
#include "rtcrypto/lstm_core/lstm_forward.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"
#include "test_support.hpp"

namespace rtcrypto::lstm {
namespace {

TrainOptions tiny() {
  TrainOptions o;
  o.lookback = 10;
  o.hidden = 8;
  o.layers = 2;
  o.epochs = 2;
  o.batch_size = 32;
  o.threads = 1;
  o.seed = 123;
  o.spec.sma_window = 5;
  o.spec.atr_window = 5;
  return o;
}

std::string error_of(const std::filesystem::path& p) {
  try {
    load_lstm_model(p);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

class LstmFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new rtcrypto::test::TempDir;
    train_lstm(test::random_walk_bars(400), tiny(), *dir_ / "m.pt");
  }
  static void TearDownTestSuite() { delete dir_; }
  static rtcrypto::test::TempDir* dir_;
};
rtcrypto::test::TempDir* LstmFiles::dir_ = nullptr;

TEST_F(LstmFiles, OwnModelLoadsAndTheFastPathMatchesLibTorch) {
  LstmModel m = load_lstm_model(*dir_ / "m.pt");
  EXPECT_EQ(m.sidecar.model_format, "torch_save");
  EXPECT_EQ(m.weights.layers.size(), 2u);
  TorchReference ref(*dir_ / "m.pt");
  for (auto kernel : {LstmForward::Kernel::Best, LstmForward::Kernel::Generic}) {
    LstmForward fwd(m.weights, kernel);
    std::vector<float> x(10 * 5);
    for (int trial = 0; trial < 5; ++trial) {
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.3f * i + trial);
      const float* y = fwd.run(x.data(), 10);
      EXPECT_NEAR(y[0], ref.predict(x.data(), 10, 5)[0], 1e-5);
    }
  }
}

TEST_F(LstmFiles, MissingCorruptOrMismatchedFilesFailAtLoad) {
  EXPECT_NE(error_of(*dir_ / "nope.pt").find("not found"), std::string::npos);
  // No sidecar.
  std::filesystem::copy_file(*dir_ / "m.pt", *dir_ / "lonely.pt");
  EXPECT_NE(error_of(*dir_ / "lonely.pt").find("sidecar"), std::string::npos);
  // Corrupt model (garbage with a good sidecar).
  std::ofstream(*dir_ / "bad.pt") << "this is not a model";
  std::filesystem::copy_file(*dir_ / "m.pt.json", *dir_ / "bad.pt.json");
  EXPECT_NE(error_of(*dir_ / "bad.pt").find("not a readable"), std::string::npos);
  // Truncated model.
  {
    std::ifstream in(*dir_ / "m.pt", std::ios::binary);
    std::string bytes(std::istreambuf_iterator<char>(in), {});
    std::ofstream(*dir_ / "cut.pt", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    std::filesystem::copy_file(*dir_ / "m.pt.json", *dir_ / "cut.pt.json");
  }
  EXPECT_FALSE(error_of(*dir_ / "cut.pt").empty());
  // A sidecar from another architecture.
  Sidecar s = read_sidecar(*dir_ / "m.pt.json");
  s.hidden = 16;
  std::filesystem::copy_file(*dir_ / "m.pt", *dir_ / "other.pt");
  write_sidecar(*dir_ / "other.pt.json", s);
  const auto err = error_of(*dir_ / "other.pt");
  EXPECT_NE(err.find("does not match its sidecar"), std::string::npos) << err;
  EXPECT_NE(err.find("hidden"), std::string::npos) << err;
  // The factory reports the same at start, not at the first prediction.
  EXPECT_THROW(make_lstm_signal((*dir_ / "other.pt").string()), std::runtime_error);
}

TEST(LstmTrainer, ReproducibleWithASeedAndNormalisedOnTheTrainingSplitOnly) {
  rtcrypto::test::TempDir dir;
  const auto bars = test::random_walk_bars(400);
  std::vector<EpochReport> seen;
  auto r1 =
      train_lstm(bars, tiny(), dir / "a.pt", [&](const EpochReport& e) { seen.push_back(e); });
  auto r2 = train_lstm(bars, tiny(), dir / "b.pt");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(std::isfinite(seen[0].train_loss));
  EXPECT_GT(seen[0].samples_per_sec, 0);
  EXPECT_EQ(r1.epochs.back().val_loss, r2.epochs.back().val_loss);
  LstmModel a = load_lstm_model(dir / "a.pt"), b = load_lstm_model(dir / "b.pt");
  EXPECT_EQ(a.weights.layers[1].w_hh, b.weights.layers[1].w_hh);
  EXPECT_EQ(a.weights.fc_w, b.weights.fc_w);
  // Normalisation: mean/std of the feature rows before the validation cut only.
  const std::size_t cut_index = static_cast<std::size_t>(400 * 0.8);
  FeatureTable t = compute_features(bars, tiny().spec, bars[cut_index].ts);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < cut_index; ++i)
    if (t.valid[i]) rows.push_back(i);
  auto expect = Normalisation::fit(t.rows.data(), t.size(), t.features, &rows);
  for (std::size_t c = 0; c < expect.mean.size(); ++c) {
    EXPECT_DOUBLE_EQ(a.sidecar.input.mean[c], expect.mean[c]);
    EXPECT_DOUBLE_EQ(a.sidecar.input.std[c], expect.std[c]);
  }
  EXPECT_NE(a.sidecar.metrics_json.find("val_direction_accuracy"), std::string::npos);
  EXPECT_NE(a.sidecar.data_json.find("validation_from"), std::string::npos);
  // A different seed gives a different model.
  auto o = tiny();
  o.seed = 7;
  train_lstm(bars, o, dir / "c.pt");
  EXPECT_NE(load_lstm_model(dir / "c.pt").weights.fc_w, a.weights.fc_w);
}

TEST(LstmTrainer, TwoThreadsSplitEachBatchAndGiveTheOneThreadModel) {
  // Data-parallel shards average their gradients by size: the same batches and steps as one
  // thread, so the models differ only by float rounding; and the run is reproducible.
  rtcrypto::test::TempDir dir;
  const auto bars = test::random_walk_bars(400);
  auto o = tiny();
  o.batch_size = 37;  // shards of unequal size (18 and 19), and a short last batch
  auto one = train_lstm(bars, o, dir / "one.pt");
  o.threads = 2;
  auto two = train_lstm(bars, o, dir / "two.pt");
  auto again = train_lstm(bars, o, dir / "again.pt");
  EXPECT_EQ(two.epochs.back().val_loss, again.epochs.back().val_loss);
  EXPECT_NEAR(two.epochs.back().val_loss, one.epochs.back().val_loss, 1e-4);
  EXPECT_NEAR(two.epochs.back().train_loss, one.epochs.back().train_loss, 1e-4);
  LstmModel a = load_lstm_model(dir / "one.pt"), b = load_lstm_model(dir / "two.pt"),
            c = load_lstm_model(dir / "again.pt");
  EXPECT_EQ(b.weights.fc_w, c.weights.fc_w);
  ASSERT_EQ(a.weights.fc_w.size(), b.weights.fc_w.size());
  for (std::size_t i = 0; i < a.weights.fc_w.size(); ++i)
    EXPECT_NEAR(a.weights.fc_w[i], b.weights.fc_w[i], 1e-4) << i;
}

TEST(LstmTrainer, RejectsBadOptionsAndTooLittleData) {
  rtcrypto::test::TempDir dir;
  auto o = tiny();
  o.val_fraction = 1.5;
  EXPECT_THROW(train_lstm(test::random_walk_bars(400), o, dir / "x.pt"), std::invalid_argument);
  EXPECT_THROW(train_lstm(test::random_walk_bars(20), tiny(), dir / "x.pt"), std::invalid_argument);
}

}  // namespace
}  // namespace rtcrypto::lstm
