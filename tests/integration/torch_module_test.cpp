// The executable without LibTorch: `rtcrypto` does not link it; `lstm train` and TorchScript
// reads dlopen librtcrypto_torch.so beside it; the trainer's own models serve without it.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "test_support.hpp"

namespace rtcrypto {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs cmd with its output in `out`; returns the exit code.
int run(const std::string& cmd, std::string& out, const std::filesystem::path& log) {
  const int rc = std::system((cmd + " >" + log.string() + " 2>&1").c_str());
  out = slurp(log);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

const std::string kBin = RTC_RTCRYPTO_BIN;
const std::string kNoModule = "RTCRYPTO_TORCH_MODULE=/nonexistent/librtcrypto_torch.so ";

class TorchModuleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    std::ofstream out(*dir_ / "bars.csv");
    out << "timestamp,open,high,low,close,volume\n";
    std::mt19937 rng(7);
    std::normal_distribution<double> step(0.0, 0.001);
    double close = 30000;
    for (int i = 0; i < 300; ++i) {
      const double open = close;
      close *= std::exp(step(rng));
      out << 1'700'000'000 + 60 * i << "," << open << "," << std::max(open, close) * 1.0003 << ","
          << std::min(open, close) * 0.9997 << "," << close << "," << 1 + i % 5 << "\n";
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string train_cmd(const std::string& model) {
    return kBin + " lstm train --bars " + (*dir_ / "bars.csv").string() + " --out " +
           (*dir_ / model).string() +
           " --lookback 10 --hidden 4 --epochs 1 --seed 3 --threads 1 --sma-window 5"
           " --atr-window 5";
  }
  static std::string eval_cmd(const std::string& model) {
    return kBin + " lstm eval --json --model " + (*dir_ / model).string() + " --bars " +
           (*dir_ / "bars.csv").string();
  }
  static test::TempDir* dir_;
};
test::TempDir* TorchModuleTest::dir_ = nullptr;

TEST_F(TorchModuleTest, ExecutableDoesNotLinkLibTorch) {
  std::string out;
  ASSERT_EQ(run("ldd " + kBin, out, *dir_ / "ldd.log"), 0) << out;
  EXPECT_NE(out.find("libc.so"), std::string::npos) << out;
  EXPECT_EQ(out.find("libtorch"), std::string::npos) << out;
  EXPECT_EQ(out.find("libc10"), std::string::npos) << out;
  ASSERT_EQ(run(kNoModule + kBin + " --version", out, *dir_ / "version.log"), 0) << out;
  EXPECT_NE(out.find("rtcrypto"), std::string::npos) << out;
}

TEST_F(TorchModuleTest, TrainsThroughTheModuleAndServesItsModelWithoutIt) {
  std::string out;
  ASSERT_EQ(run(train_cmd("m.pt"), out, *dir_ / "train.log"), 0) << out;
  EXPECT_NE(out.find("wrote"), std::string::npos) << out;
  ASSERT_TRUE(std::filesystem::exists(*dir_ / "m.pt.weights"));
  // Our own model: no LibTorch needed to evaluate (or serve) it.
  std::string with_weights;
  ASSERT_EQ(run(kNoModule + eval_cmd("m.pt"), with_weights, *dir_ / "eval1.log"), 0)
      << with_weights;
  EXPECT_NE(with_weights.find("\"windows\""), std::string::npos) << with_weights;
  // Without its weights file the model is read by LibTorch through the module: same figures.
  for (const char* ext : {"", ".json"})
    std::filesystem::copy_file(*dir_ / (std::string("m.pt") + ext),
                               *dir_ / (std::string("n.pt") + ext));
  std::string via_torch;
  ASSERT_EQ(run(eval_cmd("n.pt"), via_torch, *dir_ / "eval2.log"), 0) << via_torch;
  EXPECT_EQ(via_torch.substr(via_torch.find('{')), with_weights.substr(with_weights.find('{')));
  // ... and without the module that model cannot be read: a clear error, not a crash.
  EXPECT_NE(run(kNoModule + eval_cmd("n.pt"), out, *dir_ / "eval3.log"), 0);
  EXPECT_NE(out.find("cannot load /nonexistent/librtcrypto_torch.so"), std::string::npos) << out;
}

TEST_F(TorchModuleTest, TrainingWithoutTheModuleFailsClearly) {
  std::string out;
  const int rc = run(kNoModule + train_cmd("x.pt"), out, *dir_ / "train_x.log");
  EXPECT_NE(rc, 0);
  EXPECT_LT(rc, 128) << "crashed: " << out;
  EXPECT_NE(out.find("cannot load /nonexistent/librtcrypto_torch.so"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "x.pt"));
}

}  // namespace
}  // namespace rtcrypto
