// bench_lstm: one LSTM prediction (lookback 50, hidden 50, 5 features, one thread) through the
// plain C++ fast path, LibTorch's TorchScript and PyTorch from Python (eager and TorchScript),
// all in the same run; then LSTM training throughput with LibTorch on 2 threads.
// The fast path is timed as served (the window slides by one bar per call), on unrelated
// windows (no reuse of the first layer's input projections) and with the generic kernel.
//   bench_lstm [--n 5000] [--train-windows 8192] [--train-threads 2]
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "rtcrypto/lstm/torch_reference.hpp"
#include "rtcrypto/lstm/trainer.hpp"
#include "rtcrypto/lstm_core/lstm_forward.hpp"

using namespace rtcrypto;
using namespace rtcrypto::lstm;
using Clock = std::chrono::steady_clock;

namespace {

struct Pct {
  double p50 = 0, p99 = 0;
  // Thread CPU time per call (mean, and p99 from a second pass timing each call with the
  // CPU clock): what a loaded machine's wall clock hides (time the thread waited for a core).
  double cpu_mean = 0, cpu_p99 = 0;
};

double thread_cpu_us() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

template <class F>
Pct time_it(int n, F&& f) {
  for (int i = 0; i < std::min(n / 10, 200); ++i) f();
  std::vector<double> us(static_cast<std::size_t>(n));
  const double cpu0 = thread_cpu_us();
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    f();
    us[static_cast<std::size_t>(i)] =
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
  }
  const double cpu = (thread_cpu_us() - cpu0) / n;
  auto p99 = [](std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(static_cast<double>(v.size()) * 0.99)];
  };
  std::vector<double> cpu_us(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const double c0 = thread_cpu_us();
    f();
    cpu_us[static_cast<std::size_t>(i)] = thread_cpu_us() - c0;
  }
  const double wall_p99 = p99(us);
  return {us[us.size() / 2], wall_p99, cpu, p99(cpu_us)};
}

void print_row(const char* name, const Pct& p) {
  std::printf("  %-28s p50 %8.1f us   p99 %8.1f us   cpu/call %7.1f us   cpu p99 %7.1f us\n", name,
              p.p50, p.p99, p.cpu_mean, p.cpu_p99);
}

std::string run_capture(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  return out;
}

double json_number(const std::string& text, const std::string& obj, const std::string& key) {
  auto o = text.find("\"" + obj + "\"");
  if (o == std::string::npos) return std::nan("");
  auto k = text.find("\"" + key + "\"", o);
  if (k == std::string::npos) return std::nan("");
  return std::strtod(text.c_str() + text.find(':', k) + 1, nullptr);
}

std::vector<MinuteBar> random_walk(std::size_t n) {
  std::mt19937 rng(1);
  std::normal_distribution<double> step(0, 0.001);
  std::vector<MinuteBar> bars(n);
  double c = 30000;
  for (std::size_t i = 0; i < n; ++i) {
    auto& b = bars[i];
    b.ts = 1'700'000'000LL * kNsPerSec / kNsPerMin * kNsPerMin + static_cast<TimeNs>(i) * kNsPerMin;
    b.open = c;
    c *= std::exp(step(rng));
    b.close = c;
    b.high = std::max(b.open, b.close) * 1.0003;
    b.low = std::min(b.open, b.close) * 0.9997;
    b.volume = 5;
  }
  return bars;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 5000, train_threads = 2;
  std::size_t train_windows = 8192;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--n")) n = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--train-windows"))
      train_windows = std::strtoul(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--train-threads")) train_threads = std::atoi(argv[i + 1]);
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("rtcrypto-bench-lstm-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string model = (dir / "m.pt").string();
  const std::string script = std::string(RTC_SOURCE_DIR) + "/scripts/lstm_model.py";
  const bool have_python =
      std::system(("timeout 300 /usr/bin/python3 " + script + " make --out " + model +
                   " --lookback 50 --hidden 50 --layers 1 >/dev/null 2>&1")
                      .c_str()) == 0;
  std::printf("bench_lstm: one prediction, lookback 50, hidden 50, 5 features, 1 thread, n=%d\n",
              n);
  if (!have_python) {
    // No python3-torch: train a tiny model of the same shape for the C++ rows.
    TrainOptions o;
    o.epochs = 1;
    o.max_train_windows = 256;
    o.threads = 1;
    train_lstm(random_walk(3000), o, model);
    std::printf("(python3-torch missing: PyTorch rows skipped, model made by the trainer)\n");
  }
  set_torch_threads(1);
  LstmModel m = load_lstm_model(model);
  // A normalised feature series: serving slides the window by one bar per prediction.
  std::vector<float> series(5 * 20000);
  std::mt19937 rng(3);
  std::normal_distribution<float> nd(0, 1);
  for (auto& v : series) v = nd(rng);
  const std::vector<float> x(series.begin(), series.begin() + 50 * 5);
  volatile float sink = 0;
  LstmForward fwd(m.weights), fwd_cold(m.weights),
      fwd_generic(m.weights, LstmForward::Kernel::Generic);
  std::size_t at = 0;
  auto next_window = [&](std::size_t stride) {
    at = (at + stride) % (20000 - 50);
    return series.data() + 5 * at;
  };
  Pct fast = time_it(n, [&] { sink = sink + fwd.run(next_window(1), 50)[0]; });
  Pct cold = time_it(n, [&] { sink = sink + fwd_cold.run(next_window(7919), 50)[0]; });
  Pct generic = time_it(n, [&] { sink = sink + fwd_generic.run(next_window(1), 50)[0]; });
  TorchReference ref(model);
  Pct script_pct =
      time_it(std::max(n / 5, 200), [&] { sink = sink + ref.predict(x.data(), 50, 5)[0]; });
  print_row(fwd.uses_avx2() ? "C++ fast path (AVX2+FMA)" : "C++ fast path (generic)", fast);
  print_row("  same, unrelated windows", cold);
  print_row("  same, generic kernel", generic);
  print_row("LibTorch (C++)", script_pct);
  if (have_python) {
    const std::string py =
        run_capture("timeout 600 /usr/bin/python3 " + script + " bench --model " + model + " --n " +
                    std::to_string(std::max(n / 5, 200)));
    for (const char* name : {"pytorch_eager", "pytorch_torchscript"})
      std::printf("  %-28s p50 %8.1f us   p99 %8.1f us\n", name, json_number(py, name, "p50_us"),
                  json_number(py, name, "p99_us"));
  }

  // Training throughput on both cores.
  TrainOptions o;
  o.epochs = 1;
  o.threads = std::max(train_threads, 1);
  o.batch_size = 256;
  o.max_train_windows = train_windows;
  o.max_val_windows = 512;
  auto r = train_lstm(random_walk(train_windows + 3000), o, (dir / "t.pt").string());
  std::printf(
      "training (LSTM 50x1, lookback 50, batch 256, %d threads): %.0f samples/s over %zu "
      "windows\n",
      o.threads, r.samples_per_sec,
      static_cast<std::size_t>(std::min(train_windows, r.train_windows)));
  std::filesystem::remove_all(dir);
  return 0;
}
