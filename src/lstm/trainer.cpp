#include "rtcrypto/lstm/trainer.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "lstm_net.hpp"
#include "rtcrypto/lstm_core/weights_file.hpp"
#include "with_torch.hpp"

namespace rtcrypto::lstm {
namespace {

using Clock = std::chrono::steady_clock;

void check(const TrainOptions& o) {
  o.spec.validate();
  auto need = [](bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(what);
  };
  need(o.lookback >= 1 && o.lookback <= 10000, "--lookback must be in 1..10000");
  need(o.horizon >= 1 && o.horizon <= 1000, "--horizon must be in 1..1000");
  need(o.hidden >= 1 && o.hidden <= 4096, "--hidden must be in 1..4096");
  need(o.layers >= 1 && o.layers <= 16, "--layers must be in 1..16");
  need(o.epochs >= 1, "--epochs must be >= 1");
  need(o.batch_size >= 1, "--batch-size must be >= 1");
  need(o.learning_rate > 0, "--lr must be > 0");
  need(o.patience >= 1, "--patience must be >= 1");
  need(o.val_fraction > 0 && o.val_fraction < 1, "--val-fraction must be in (0, 1)");
  need(o.threads >= 1 && o.threads <= 256, "--threads must be in 1..256");
}

// Training data: normalised feature rows and the windows into them.
struct Data {
  FeatureTable table;
  std::vector<double> log_close;
  std::vector<std::size_t> train, val;
  std::size_t F = 0, L = 0, H = 0;
  double target(std::size_t e, std::size_t k) const { return log_close[e + k + 1] - log_close[e]; }
};

// Copies windows ends[first..first+n) into x (n x L x F) and normalised targets into y.
void gather(const Data& d, const Sidecar& sc, const std::vector<std::size_t>& ends,
            std::size_t first, std::size_t n, std::vector<float>& x, std::vector<float>& y) {
  x.resize(n * d.L * d.F);
  y.resize(n * d.H);
  for (std::size_t b = 0; b < n; ++b) {
    const std::size_t e = ends[first + b];
    std::copy(d.table.row(e + 1 - d.L), d.table.row(e + 1), x.data() + b * d.L * d.F);
    for (std::size_t k = 0; k < d.H; ++k)
      y[b * d.H + k] = static_cast<float>((d.target(e, k) - sc.target.mean[k]) / sc.target.std[k]);
  }
}

struct ValResult {
  double loss = 0, mae = 0, rmse = 0, zero_mae = 0, direction = 0;
  std::size_t n = 0;
};

// Sums over validation windows (so shards can be added up), then the means.
struct ValSums {
  double loss = 0, abs = 0, sq = 0, zero = 0;
  std::size_t n = 0, dir_n = 0, dir_ok = 0;
  void add(const ValSums& o) {
    loss += o.loss, abs += o.abs, sq += o.sq, zero += o.zero;
    n += o.n, dir_n += o.dir_n, dir_ok += o.dir_ok;
  }
  ValResult finish(std::size_t horizon) const {
    ValResult r;
    r.n = n;
    if (n) {
      r.loss = loss / static_cast<double>(n * horizon);
      r.mae = abs / static_cast<double>(n);
      r.rmse = std::sqrt(sq / static_cast<double>(n));
      r.zero_mae = zero / static_cast<double>(n);
    }
    r.direction = dir_n ? static_cast<double>(dir_ok) / static_cast<double>(dir_n) : 0;
    return r;
  }
};

// The validation sums of windows ends[first..last).
ValSums validate_part(LstmNet& net, const Data& d, const Sidecar& sc,
                      const std::vector<std::size_t>& ends, std::size_t first, std::size_t last,
                      int batch) {
  torch::NoGradGuard no_grad;
  ValSums r;
  std::vector<float> x, y;
  const std::size_t k = d.H - 1;
  for (; first < last; first += static_cast<std::size_t>(batch)) {
    const std::size_t n = std::min(static_cast<std::size_t>(batch), last - first);
    gather(d, sc, ends, first, n, x, y);
    auto xt = torch::from_blob(
        x.data(), {static_cast<long>(n), static_cast<long>(d.L), static_cast<long>(d.F)});
    auto yt = torch::from_blob(y.data(), {static_cast<long>(n), static_cast<long>(d.H)});
    auto pred = net->forward(xt);
    r.loss += torch::mse_loss(pred, yt, torch::Reduction::Sum).item<double>();
    auto p = pred.contiguous();
    const float* pp = p.data_ptr<float>();
    for (std::size_t b = 0; b < n; ++b) {
      const double pr = sc.target.denormalise(k, pp[b * d.H + k]);
      const double ac = d.target(ends[first + b], k);
      r.abs += std::abs(pr - ac);
      r.sq += (pr - ac) * (pr - ac);
      r.zero += std::abs(ac);
      if (ac != 0) {
        ++r.dir_n;
        if ((pr > 0) == (ac > 0)) ++r.dir_ok;
      }
    }
    r.n += n;
  }
  return r;
}

// Data-parallel training: each shard of a batch runs forward and backward on its own replica
// of the net on its own thread (LibTorch kept at one intra-op thread), and the main net gets
// the size-weighted mean of the shards' gradients, i.e. the gradient of the whole batch's mean
// loss. Coarse tasks scale on a busy machine where fine-grained OpenMP barriers stall.
class DataParallel {
 public:
  DataParallel(LstmNet& main, int shards, const Data& d, int hidden, int layers) : main_(main) {
    for (int s = 1; s < shards; ++s)
      replicas_.emplace_back(static_cast<int>(d.F), hidden, layers, static_cast<int>(d.H));
    x_.resize(static_cast<std::size_t>(shards));
    y_.resize(static_cast<std::size_t>(shards));
  }

  // Validation of `ends` with the main net's parameters, split over the shards.
  ValResult validate(const Data& d, const Sidecar& sc, const std::vector<std::size_t>& ends,
                     int batch) {
    const std::size_t shards =
        std::min(replicas_.size() + 1, std::max<std::size_t>(ends.size(), 1));
    sync(shards);
    std::vector<ValSums> part(shards);
    in_parallel(shards, [&](std::size_t s) {
      part[s] = validate_part(net(s), d, sc, ends, ends.size() * s / shards,
                              ends.size() * (s + 1) / shards, batch);
    });
    for (std::size_t s = 1; s < shards; ++s) part[0].add(part[s]);
    return part[0].finish(d.H);
  }

  // One step on windows order[first..first+n): returns the sum of the per-window losses.
  double step(torch::optim::Optimizer& opt, const Data& d, const Sidecar& sc,
              const std::vector<std::size_t>& order, std::size_t first, std::size_t n) {
    const std::size_t shards = std::min(replicas_.size() + 1, n);
    std::vector<std::size_t> begin(shards + 1);
    for (std::size_t s = 0; s <= shards; ++s) begin[s] = first + n * s / shards;
    std::vector<double> loss(shards, 0.0);
    sync(shards);
    opt.zero_grad();
    for (std::size_t s = 1; s < shards; ++s)
      for (auto& p : replicas_[s - 1]->parameters()) p.mutable_grad() = torch::Tensor();
    in_parallel(shards, [&](std::size_t s) {
      const std::size_t m = begin[s + 1] - begin[s];
      gather(d, sc, order, begin[s], m, x_[s], y_[s]);
      auto xt = torch::from_blob(
          x_[s].data(), {static_cast<long>(m), static_cast<long>(d.L), static_cast<long>(d.F)});
      auto yt = torch::from_blob(y_[s].data(), {static_cast<long>(m), static_cast<long>(d.H)});
      auto l = torch::mse_loss(net(s)->forward(xt), yt);
      l.backward();
      loss[s] = l.item<double>() * static_cast<double>(m);
    });
    if (shards > 1) {
      torch::NoGradGuard no_grad;
      auto params = main_->parameters();
      const double total = static_cast<double>(n);
      for (std::size_t i = 0; i < params.size(); ++i) {
        auto g = params[i].mutable_grad();
        g.mul_(static_cast<double>(begin[1] - begin[0]) / total);
        for (std::size_t s = 1; s < shards; ++s)
          g.add_(replicas_[s - 1]->parameters()[i].grad(),
                 static_cast<double>(begin[s + 1] - begin[s]) / total);
      }
    }
    opt.step();
    double sum = 0;
    for (double l : loss) sum += l;
    return sum;
  }

 private:
  LstmNet& net(std::size_t shard) { return shard == 0 ? main_ : replicas_[shard - 1]; }

  // The replicas take the main net's parameters.
  void sync(std::size_t shards) {
    torch::NoGradGuard no_grad;
    auto src = main_->parameters();
    for (std::size_t s = 1; s < shards; ++s) {
      auto dst = replicas_[s - 1]->parameters();
      for (std::size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
    }
  }

  // fn(shard) for each shard, shard 0 on this thread; the first error is rethrown.
  template <class Fn>
  static void in_parallel(std::size_t shards, Fn&& fn) {
    std::vector<std::exception_ptr> error(shards);
    auto run = [&](std::size_t s) {
      try {
        torch::set_num_threads(1);  // per thread: OpenMP's thread count is a per-thread setting
        fn(s);
      } catch (...) {
        error[s] = std::current_exception();
      }
    };
    std::vector<std::thread> workers;
    for (std::size_t s = 1; s < shards; ++s) workers.emplace_back(run, s);
    run(0);
    for (auto& w : workers) w.join();
    for (auto& e : error)
      if (e) std::rethrow_exception(e);
  }

  LstmNet& main_;
  std::vector<LstmNet> replicas_;
  std::vector<std::vector<float>> x_, y_;
};

}  // namespace

TrainReport train_lstm_with_torch(const std::vector<MinuteBar>& bars, const TrainOptions& o,
                                  const std::filesystem::path& out_model,
                                  const std::function<void(const EpochReport&)>& progress) {
  check(o);
  if (bars.size() < static_cast<std::size_t>(o.lookback + o.horizon + o.spec.warmup()) * 2)
    throw std::invalid_argument("too few bars to train (" + std::to_string(bars.size()) + ")");
  // Parallelism comes from data-parallel shards (one per thread); LibTorch itself runs one
  // intra-op thread on each.
  torch::set_num_threads(1);
  torch::manual_seed(o.seed);

  // Time split: the last val_fraction of the bars validates; the cut is a break.
  const std::size_t cut_index =
      static_cast<std::size_t>(static_cast<double>(bars.size()) * (1 - o.val_fraction));
  const TimeNs cut = bars[cut_index].ts;
  Data d;
  d.F = o.spec.size();
  d.L = static_cast<std::size_t>(o.lookback);
  d.H = static_cast<std::size_t>(o.horizon);
  d.table = compute_features(bars, o.spec, cut);
  d.log_close.resize(bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i) d.log_close[i] = std::log(bars[i].close);
  for (std::size_t e : window_ends(d.table, o.lookback, o.horizon))
    (bars[e].ts < cut ? d.train : d.val).push_back(e);
  if (d.train.empty() || d.val.empty())
    throw std::invalid_argument("no complete training or validation window (train " +
                                std::to_string(d.train.size()) + ", validation " +
                                std::to_string(d.val.size()) + ")");
  if (o.max_val_windows && d.val.size() > o.max_val_windows) {
    std::vector<std::size_t> picked;
    const double step = static_cast<double>(d.val.size()) / static_cast<double>(o.max_val_windows);
    for (std::size_t k = 0; k < o.max_val_windows; ++k)
      picked.push_back(d.val[static_cast<std::size_t>(static_cast<double>(k) * step)]);
    d.val.swap(picked);
  }

  // Normalisation from the training split only: rows before the cut, targets of train windows.
  Sidecar sc;
  sc.spec = o.spec;
  sc.lookback = o.lookback;
  sc.horizon = o.horizon;
  sc.hidden = o.hidden;
  sc.layers = o.layers;
  sc.model_format = "torch_save";
  std::vector<std::size_t> train_rows;
  for (std::size_t i = 0; i < bars.size() && bars[i].ts < cut; ++i)
    if (d.table.valid[i]) train_rows.push_back(i);
  sc.input = Normalisation::fit(d.table.rows.data(), d.table.size(), d.F, &train_rows);
  {
    std::vector<float> targets(d.train.size() * d.H);
    for (std::size_t i = 0; i < d.train.size(); ++i)
      for (std::size_t k = 0; k < d.H; ++k)
        targets[i * d.H + k] = static_cast<float>(d.target(d.train[i], k));
    sc.target = Normalisation::fit(targets.data(), d.train.size(), d.H);
  }
  for (std::size_t i = 0; i < d.table.size(); ++i)
    if (d.table.valid[i]) {
      float* r = d.table.rows.data() + i * d.F;
      sc.input.apply(r, r);
    }

  LstmNet net(static_cast<int>(d.F), o.hidden, o.layers, o.horizon);
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(o.learning_rate));
  std::mt19937_64 rng(o.seed);
  TrainReport report;
  report.train_windows = d.train.size();
  report.val_windows = d.val.size();
  std::vector<torch::Tensor> best;
  ValResult best_val;
  double best_loss = std::numeric_limits<double>::infinity();
  int since_best = 0;
  double total_samples = 0, total_seconds = 0;
  DataParallel parallel(net, o.threads, d, o.hidden, o.layers);
  std::vector<std::size_t> order = d.train;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto t0 = Clock::now();
    std::shuffle(order.begin(), order.end(), rng);
    const std::size_t n_epoch =
        o.max_train_windows ? std::min(o.max_train_windows, order.size()) : order.size();
    double loss_sum = 0;
    for (std::size_t first = 0; first < n_epoch; first += static_cast<std::size_t>(o.batch_size)) {
      const std::size_t n = std::min(static_cast<std::size_t>(o.batch_size), n_epoch - first);
      loss_sum += parallel.step(opt, d, sc, order, first, n);
    }
    const double train_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    ValResult v = parallel.validate(d, sc, d.val, std::max(o.batch_size, 1024));
    EpochReport er;
    er.epoch = epoch;
    er.train_loss = loss_sum / static_cast<double>(n_epoch);
    er.val_loss = v.loss;
    er.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    er.samples_per_sec = static_cast<double>(n_epoch) / train_seconds;
    total_samples += static_cast<double>(n_epoch);
    total_seconds += train_seconds;
    if (v.loss < best_loss) {
      best_loss = v.loss;
      best_val = v;
      report.best_epoch = epoch;
      since_best = 0;
      er.best = true;
      best.clear();
      for (const auto& p : net->parameters()) best.push_back(p.detach().clone());
    } else {
      ++since_best;
    }
    report.epochs.push_back(er);
    if (progress) progress(er);
    if (since_best >= o.patience) break;
  }
  {
    torch::NoGradGuard no_grad;
    auto params = net->parameters();
    for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(best[i]);
  }
  report.best_val_loss = best_loss;
  report.samples_per_sec = total_samples / std::max(total_seconds, 1e-9);

  const auto& last_train = report.epochs[static_cast<std::size_t>(report.best_epoch - 1)];
  nlohmann::json metrics{{"best_epoch", report.best_epoch},
                         {"epochs_run", report.epochs.size()},
                         {"train_loss", last_train.train_loss},
                         {"val_loss", best_val.loss},
                         {"val_mae", best_val.mae},
                         {"val_rmse", best_val.rmse},
                         {"val_persistence_mae", best_val.zero_mae},
                         {"val_direction_accuracy", best_val.direction},
                         {"train_samples_per_sec", report.samples_per_sec},
                         {"loss", "MSE of the normalised target"}};
  nlohmann::json data{{"file", o.data_label},
                      {"bars", bars.size()},
                      {"first", format_iso8601_ms(bars.front().ts)},
                      {"last", format_iso8601_ms(bars.back().ts)},
                      {"validation_from", format_iso8601_ms(cut)},
                      {"train_windows", d.train.size()},
                      {"val_windows", d.val.size()},
                      {"max_train_windows_per_epoch", o.max_train_windows},
                      {"seed", o.seed},
                      {"batch_size", o.batch_size},
                      {"learning_rate", o.learning_rate}};
  sc.metrics_json = metrics.dump();
  sc.data_json = data.dump();
  if (out_model.has_parent_path()) std::filesystem::create_directories(out_model.parent_path());
  torch::save(net, out_model.string());
  write_sidecar(sidecar_path(out_model), sc);
  // The weights as LibTorch reads them back, so serving this model needs no LibTorch.
  write_weights_file(out_model, load_lstm_model_with_torch(out_model).weights);
  report.sidecar = sc;
  return report;
}

}  // namespace rtcrypto::lstm
