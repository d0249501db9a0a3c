// Parity with PyTorch: a model defined and traced in Python (scripts/lstm_model.py) gives the
// same outputs through our loader, fast forward pass and LstmSignal as in Python (1e-5).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lstm_core/synthetic.hpp"
#include "rtcrypto/lstm/torch_reference.hpp"
#include "rtcrypto/lstm_core/lstm_forward.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"
#include "test_support.hpp"

namespace rtcrypto::lstm {
namespace {

const std::filesystem::path kScript =
    std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "scripts" /
    "lstm_model.py";

int python(const std::string& args) {
  const std::string cmd = "timeout 120 /usr/bin/python3 " + kScript.string() + " " + args;
  return std::system(cmd.c_str());
}

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// One traced model for the suite (Python with torch takes seconds to start).
class PythonParity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new rtcrypto::test::TempDir;
    made_ = python("make --out " + model() + " --lookback 50 --hidden 50 --layers 2 --horizon 3 " +
                   "--windows 6 --seed 5 --io " + (*dir_ / "io.json").string()) == 0;
    if (!made_)
      torch_missing_ =
          std::system("timeout 60 /usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0;
  }
  static void TearDownTestSuite() { delete dir_; }
  void SetUp() override {
    if (torch_missing_) GTEST_SKIP() << "/usr/bin/python3 has no torch (install python3-torch)";
    ASSERT_TRUE(made_) << "scripts/lstm_model.py make failed";
  }
  static std::string model() { return (*dir_ / "py.pt").string(); }
  static rtcrypto::test::TempDir* dir_;
  static bool made_, torch_missing_;
};
rtcrypto::test::TempDir* PythonParity::dir_ = nullptr;
bool PythonParity::made_ = false;
bool PythonParity::torch_missing_ = false;

TEST_F(PythonParity, TracedModelGivesPythonsOutputsThroughTheFastPath) {
  LstmModel m = load_lstm_model(model());
  EXPECT_EQ(m.weights.hidden_size, 50);
  EXPECT_EQ(m.weights.layers.size(), 2u);
  auto io = read_json(*dir_ / "io.json");
  LstmForward fwd(m.weights), generic(m.weights, LstmForward::Kernel::Generic);
  TorchReference torch_ref(model());
  set_torch_threads(1);
  ASSERT_EQ(io["windows"].size(), 6u);
  for (std::size_t w = 0; w < io["windows"].size(); ++w) {
    auto x = io["windows"][w].get<std::vector<float>>();
    auto expect = io["outputs"][w].get<std::vector<double>>();
    const float* y = fwd.run(x.data(), 50);
    const float* g = generic.run(x.data(), 50);
    auto t = torch_ref.predict(x.data(), 50, 5);
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_NEAR(y[k], expect[k], 1e-5) << "window " << w << " output " << k;
      EXPECT_NEAR(g[k], expect[k], 1e-5) << "generic kernel, window " << w << " output " << k;
      EXPECT_NEAR(y[k], t[k], 1e-5) << "fast path vs LibTorch, window " << w;
      EXPECT_NEAR(t[k], expect[k], 1e-5) << "LibTorch, window " << w;
    }
  }
}

TEST_F(PythonParity, SignalPredictionEqualsPythonOnTheSameBars) {
  auto signal = make_lstm_signal(model());
  auto& lstm = dynamic_cast<LstmSignal&>(*signal);
  const auto bars = test::random_walk_bars(120);
  lstm.warm_up("BTCUSD", bars);
  auto v = lstm.signal_at("BTCUSD", bars.back().ts + kNsPerMin);
  ASSERT_TRUE(v && v->predicted_return);
  std::vector<float> window;
  ASSERT_TRUE(lstm.last_window("BTCUSD", window));
  {
    std::ofstream out(*dir_ / "in.json");
    out << nlohmann::json{{"windows", {window}}}.dump();
  }
  ASSERT_EQ(python("run --model " + model() + " --inputs " + (*dir_ / "in.json").string() +
                   " --out " + (*dir_ / "out.json").string()),
            0);
  // The signal reports the horizon's (last) output, de-normalised with the sidecar.
  const double py = read_json(*dir_ / "out.json")["outputs"][0][2].get<double>();
  const auto& sc = lstm.model().sidecar;
  EXPECT_NEAR(*v->predicted_return, sc.target.denormalise(2, py), 1e-5 * sc.target.std[2]);
}

}  // namespace
}  // namespace rtcrypto::lstm
