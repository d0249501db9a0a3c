#include "rtcrypto/lstm_core/model.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "lstm_core/synthetic.hpp"
#include "rtcrypto/lstm_core/evaluation.hpp"
#include "test_support.hpp"

namespace rtcrypto::lstm {
namespace {

TEST(LstmSidecar, RoundTripsEverythingServingNeeds) {
  rtcrypto::test::TempDir dir;
  const auto bars = test::random_walk_bars(40);
  auto m = test::random_model(bars, 8, 6, 2, 3);
  m.sidecar.spec.atr_method = AtrMethod::Simple;
  m.sidecar.metrics_json = R"({"val_loss":0.5})";
  write_sidecar(dir / "m.pt.json", m.sidecar);
  EXPECT_EQ(sidecar_path(dir / "m.pt"), dir / "m.pt.json");
  Sidecar s = read_sidecar(dir / "m.pt.json");
  EXPECT_EQ(s.spec.features, m.sidecar.spec.features);
  EXPECT_EQ(s.spec.atr_method, AtrMethod::Simple);
  EXPECT_EQ(s.spec.sma_window, 5);
  EXPECT_EQ(s.lookback, 8);
  EXPECT_EQ(s.horizon, 3);
  EXPECT_EQ(s.layers, 2);
  EXPECT_EQ(s.input.mean, m.sidecar.input.mean);  // exact: JSON keeps doubles round-trip
  EXPECT_EQ(s.input.std, m.sidecar.input.std);
  EXPECT_EQ(s.target.std, m.sidecar.target.std);
  EXPECT_NE(s.metrics_json.find("val_loss"), std::string::npos);
}

TEST(LstmSidecar, ClearErrorsForMissingOrBadFiles) {
  rtcrypto::test::TempDir dir;
  try {
    read_sidecar(dir / "none.json");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos);
  }
  std::ofstream(dir / "bad.json") << "{not json";
  EXPECT_THROW(read_sidecar(dir / "bad.json"), std::runtime_error);
  const auto bars = test::random_walk_bars(40);
  auto m = test::random_model(bars);
  m.sidecar.input.mean.pop_back();
  EXPECT_THROW(write_sidecar(dir / "x.json", m.sidecar), std::invalid_argument);
  // A sidecar naming an unknown feature.
  m = test::random_model(bars);
  write_sidecar(dir / "ok.json", m.sidecar);
  std::string text;
  {
    std::ifstream in(dir / "ok.json");
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("\"atr\""), 5, "\"rsi\"");
  std::ofstream(dir / "rsi.json") << text;
  try {
    read_sidecar(dir / "rsi.json");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("rsi"), std::string::npos);
  }
}

TEST(LstmNormalisation, FitsOnTheGivenRowsOnly) {
  std::vector<float> rows{1, 10, 3, 30, 100, 1000};
  std::vector<std::size_t> first_two{0, 1};
  auto n = Normalisation::fit(rows.data(), 3, 2, &first_two);
  EXPECT_DOUBLE_EQ(n.mean[0], 2.0);
  EXPECT_DOUBLE_EQ(n.std[0], 1.0);
  EXPECT_DOUBLE_EQ(n.mean[1], 20.0);
  float z[2];
  n.apply(rows.data() + 4, z);
  EXPECT_FLOAT_EQ(z[0], 98.0f);
  EXPECT_FLOAT_EQ(z[1], 98.0f);
}

TEST(LstmEvaluation, WilsonIntervalAndFiguresAreSane) {
  double lo, hi;
  wilson_interval(50, 100, lo, hi);
  EXPECT_NEAR(lo, 0.4038, 1e-3);
  EXPECT_NEAR(hi, 0.5962, 1e-3);
  const auto bars = test::random_walk_bars(300);
  const auto m = test::random_model(bars);
  EvalOptions opt;
  opt.fee_bps = 0;
  opt.min_return = -1;  // always long: the strategy is buy-and-hold without fees
  auto ev = evaluate_lstm(m, bars, opt);
  EXPECT_GT(ev.windows, 250u);
  EXPECT_NEAR(ev.strategy_return, ev.buy_hold_return, 1e-9);
  EXPECT_EQ(ev.trades, 2u);
  EXPECT_DOUBLE_EQ(ev.exposure, 1.0);
  EXPECT_EQ(ev.direction.n + ev.actual_flat, ev.windows);
  EXPECT_GT(ev.baseline_mae, 0);
  EXPECT_NE(ev.to_json().find("\"persistence\""), std::string::npos);
  EXPECT_NE(ev.to_text().find("buy-and-hold"), std::string::npos);
}

}  // namespace
}  // namespace rtcrypto::lstm
