// rtcrypto lstm train|eval: the LSTM on minute bars (LibTorch trains; the plain C++ forward
// pass evaluates, exactly as it serves).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/bars/minute_bars.hpp"
#include "rtcrypto/core/log.hpp"
#include "rtcrypto/lstm/trainer.hpp"
#include "rtcrypto/lstm_core/evaluation.hpp"

namespace rtcrypto::app {
namespace {

struct TrainFlags {
  std::string bars, out, features, atr = "wilder";
  lstm::TrainOptions o;
};

struct EvalFlags {
  std::string model, bars;
  bool json = false;
  lstm::EvalOptions o;
};

std::vector<MinuteBar> load_bars(const std::string& path) {
  BarsReport rep;
  std::vector<MinuteBar> bars;
  try {
    bars = read_minute_bars(path, &rep);
  } catch (const std::exception& e) {
    throw RuntimeFailure(std::string("--bars: ") + e.what());
  }
  if (bars.empty()) throw RuntimeFailure("--bars: no bars in " + path);
  log::info("bars: " + std::to_string(bars.size()) + " rows (" + rep.layout + "), " +
            std::to_string(rep.rows_skipped) + " skipped, " + std::to_string(rep.gaps) + " gaps, " +
            std::to_string(rep.segments) + " segments, " + format_iso8601_ms(bars.front().ts) +
            " .. " + format_iso8601_ms(bars.back().ts));
  return bars;
}

void run_train(TrainFlags& f) {
  try {
    f.o.spec.features = lstm::parse_feature_list(f.features);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--features: ") + e.what());
  }
  if (f.atr == "wilder")
    f.o.spec.atr_method = lstm::AtrMethod::Wilder;
  else if (f.atr == "simple")
    f.o.spec.atr_method = lstm::AtrMethod::Simple;
  else
    throw UsageError("--atr must be wilder or simple");
  f.o.data_label = f.bars;
  auto bars = load_bars(f.bars);
  lstm::TrainReport r;
  try {
    r = lstm::train_lstm(bars, f.o, f.out, [&](const lstm::EpochReport& e) {
      char line[256];
      std::snprintf(line, sizeof line,
                    "epoch %d/%d  train loss %.5f  val loss %.5f%s  %.1f s  %.0f samples/s",
                    e.epoch, f.o.epochs, e.train_loss, e.val_loss, e.best ? " (best)" : "",
                    e.seconds, e.samples_per_sec);
      std::cout << line << std::endl;
    });
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  } catch (const std::exception& e) {
    throw RuntimeFailure(std::string("lstm train: ") + e.what());
  }
  std::cout << "train windows " << r.train_windows << ", validation windows " << r.val_windows
            << ", best epoch " << r.best_epoch << " (val loss " << r.best_val_loss << ")\n"
            << "wrote " << f.out << " and " << lstm::sidecar_path(f.out).string() << "\n"
            << "metrics " << r.sidecar.metrics_json << "\n";
}

void run_eval(EvalFlags& f) {
  lstm::LstmModel model;
  try {
    model = lstm::load_lstm_model(f.model);
  } catch (const std::exception& e) {
    throw RuntimeFailure(std::string("--model: ") + e.what());
  }
  auto bars = load_bars(f.bars);
  auto ev = lstm::evaluate_lstm(model, bars, f.o);
  if (ev.windows == 0) throw RuntimeFailure("--bars: no complete window to evaluate");
  if (f.json)
    std::cout << ev.to_json() << "\n";
  else
    std::cout << "model " << f.model << " on " << f.bars << "\n" << ev.to_text();
}

}  // namespace

void add_lstm_command(CLI::App& app) {
  auto* lstm_cmd = app.add_subcommand("lstm", "train and evaluate an LSTM on minute bars");
  lstm_cmd->require_subcommand(1, 1);

  auto tf = std::make_shared<TrainFlags>();
  auto* train = lstm_cmd->add_subcommand("train", "train on minute bars; write MODEL + MODEL.json");
  train->add_option("--bars", tf->bars, "minute bars file (any layout read_minute_bars knows)")
      ->required();
  train->add_option("--out", tf->out, "model file to write (its sidecar is MODEL.json)")
      ->required();
  train->add_option("--features", tf->features,
                    "comma list of logret,sma,tr,atr,volume (default: all)");
  train->add_option("--sma-window", tf->o.spec.sma_window, "minutes of the rolling average price");
  train->add_option("--atr-window", tf->o.spec.atr_window, "minutes of the ATR");
  train->add_option("--atr", tf->atr, "ATR smoothing: wilder or simple");
  train->add_option("--lookback", tf->o.lookback, "minutes per input window");
  train->add_option("--horizon", tf->o.horizon, "minutes predicted ahead (multi-step output)");
  train->add_option("--hidden", tf->o.hidden, "LSTM hidden units");
  train->add_option("--layers", tf->o.layers, "stacked LSTM layers");
  train->add_option("--epochs", tf->o.epochs, "maximum epochs");
  train->add_option("--batch-size", tf->o.batch_size, "mini-batch size");
  train->add_option("--lr", tf->o.learning_rate, "Adam learning rate");
  train->add_option("--patience", tf->o.patience, "early stopping: epochs without improvement");
  train->add_option("--val-fraction", tf->o.val_fraction,
                    "last fraction of the bars (by time) that validates");
  train->add_option("--seed", tf->o.seed, "seed: the same seed and threads give the same model");
  train->add_option("--threads", tf->o.threads,
                    "threads: each batch is split over this many, one LibTorch thread each");
  train->add_option("--max-train-windows", tf->o.max_train_windows,
                    "random training windows per epoch (0: all)");
  train->add_option("--max-val-windows", tf->o.max_val_windows,
                    "evenly spaced validation windows (0: all)");
  train->callback([tf] { run_train(*tf); });

  auto ef = std::make_shared<EvalFlags>();
  auto* eval =
      lstm_cmd->add_subcommand("eval", "evaluate a model on minute bars it was not trained on");
  eval->add_option("--model", ef->model, "model file (with MODEL.json)")->required();
  eval->add_option("--bars", ef->bars, "minute bars file")->required();
  eval->add_flag("--json", ef->json, "print the figures as JSON");
  eval->add_option("--fee-bps", ef->o.fee_bps, "fee per side in basis points for the backtest");
  eval->add_option("--min-return", ef->o.min_return,
                   "dead band: go long only above this predicted log return");
  eval->add_option("--max-windows", ef->o.max_windows,
                   "evaluate evenly spaced windows only (0: all)");
  eval->callback([ef] { run_eval(*ef); });
}

}  // namespace rtcrypto::app
