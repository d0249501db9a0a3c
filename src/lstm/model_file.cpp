// Reads LSTM model files with LibTorch: TorchScript from Python (torch.jit.trace/script) or the
// project's torch::save files; extracts the weights the fast forward pass serves with.
#include <torch/script.h>
#include <torch/torch.h>

#include <cmath>
#include <regex>

#include "lstm_net.hpp"
#include "rtcrypto/lstm/torch_reference.hpp"
#include "rtcrypto/lstm_core/lstm_forward.hpp"
#include "rtcrypto/lstm_core/lstm_signal.hpp"
#include "with_torch.hpp"

namespace rtcrypto::lstm {
namespace {

std::string short_error(const c10::Error& e) {
  std::string s = e.what_without_backtrace();
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

torch::jit::Module read_module(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file))
    throw std::runtime_error("LSTM model " + file.string() + " not found");
  try {
    auto m = torch::jit::load(file.string(), torch::kCPU);
    m.eval();
    return m;
  } catch (const c10::Error& e) {
    throw std::runtime_error("LSTM model " + file.string() +
                             " is not a readable TorchScript/torch::save file: " + short_error(e));
  }
}

std::vector<float> to_vector(const torch::Tensor& t) {
  auto c = t.detach().to(torch::kFloat).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

LstmWeights extract_weights(const torch::jit::Module& module, const std::filesystem::path& file) {
  static const std::regex lstm_re(R"((.*)(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)(_reverse)?)");
  LstmWeights w;
  std::map<int, LstmLayerWeights> layers;
  std::vector<std::pair<std::string, torch::Tensor>> others;
  for (const auto& p : module.named_parameters(/*recurse=*/true)) {
    std::smatch m;
    if (std::regex_match(p.name, m, lstm_re)) {
      if (m[4].matched)
        throw std::runtime_error("LSTM model " + file.string() +
                                 ": bidirectional LSTMs are not supported");
      auto& layer = layers[std::stoi(m[3])];
      const std::string kind = m[2];
      auto v = to_vector(p.value);
      if (kind == "weight_ih") {
        layer.w_ih = v;
        if (m[3] == "0") w.input_size = static_cast<int>(p.value.size(1));
        w.hidden_size = static_cast<int>(p.value.size(0) / 4);
      } else if (kind == "weight_hh") {
        layer.w_hh = v;
      } else if (kind == "bias_ih") {
        layer.b_ih = v;
      } else {
        layer.b_hh = v;
      }
    } else {
      others.emplace_back(p.name, p.value);
    }
  }
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("LSTM model " + file.string() + ": " + why +
                             " (expected one nn.LSTM followed by one nn.Linear)");
  };
  if (layers.empty()) fail("no LSTM weights found");
  for (int l = 0; l < static_cast<int>(layers.size()); ++l) {
    if (!layers.count(l)) fail("LSTM layer " + std::to_string(l) + " missing");
    auto& layer = layers[l];
    const std::size_t G = 4 * static_cast<std::size_t>(w.hidden_size);
    if (layer.b_ih.empty()) layer.b_ih.assign(G, 0.0f);  // bias=False
    if (layer.b_hh.empty()) layer.b_hh.assign(G, 0.0f);
    w.layers.push_back(std::move(layer));
  }
  const torch::Tensor* fc_w = nullptr;
  const torch::Tensor* fc_b = nullptr;
  for (const auto& [name, t] : others) {
    if (t.dim() == 2 && name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0) {
      if (fc_w) fail("more than one linear weight");
      fc_w = &t;
    } else if (t.dim() == 1 && name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0) {
      if (fc_b) fail("more than one linear bias");
      fc_b = &t;
    } else {
      fail("unexpected parameter " + name);
    }
  }
  if (!fc_w) fail("no linear layer found");
  w.output_size = static_cast<int>(fc_w->size(0));
  w.fc_w = to_vector(*fc_w);
  w.fc_b =
      fc_b ? to_vector(*fc_b) : std::vector<float>(static_cast<std::size_t>(w.output_size), 0.0f);
  try {
    w.validate();
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  return w;
}

// A TorchScript model must compute what the fast path computes; checked once at load.
void check_against_torchscript(torch::jit::Module& module, const LstmModel& model) {
  const int L = model.sidecar.lookback, F = model.weights.input_size;
  auto x = torch::sin(torch::arange(L * F, torch::kFloat) * 0.37).reshape({1, L, F});
  torch::Tensor y;
  try {
    torch::NoGradGuard no_grad;
    y = module.forward({x}).toTensor().reshape({-1});
  } catch (const c10::Error& e) {
    throw std::runtime_error(
        "LSTM model " + model.file.string() +
        ": forward on a (1, lookback, features) window failed: " + short_error(e));
  }
  LstmForward fwd(model.weights);
  const float* ours = fwd.run(x.data_ptr<float>(), L);
  if (y.numel() != model.weights.output_size)
    throw std::runtime_error("LSTM model " + model.file.string() + ": forward gives " +
                             std::to_string(y.numel()) + " outputs, expected " +
                             std::to_string(model.weights.output_size));
  for (int i = 0; i < model.weights.output_size; ++i)
    if (!(std::abs(y[i].item<float>() - ours[i]) <= 1e-4f))
      throw std::runtime_error("LSTM model " + model.file.string() +
                               ": its forward is not LSTM -> Linear(last step) (output " +
                               std::to_string(i) + " differs from the fast path)");
}

}  // namespace

LstmModel load_lstm_model_with_torch(const std::filesystem::path& model_file) {
  LstmModel model;
  model.file = model_file;
  if (!std::filesystem::exists(model_file))
    throw std::runtime_error("LSTM model " + model_file.string() + " not found");
  model.sidecar = read_sidecar(sidecar_path(model_file));
  auto module = read_module(model_file);
  model.weights = extract_weights(module, model_file);
  model.check_consistent();
  if (module.find_method("forward")) check_against_torchscript(module, model);
  return model;
}

void set_torch_threads(int threads) {
  torch::set_num_threads(threads);
}

struct TorchReference::Impl {
  std::optional<torch::jit::Module> script;
  LstmNet net{nullptr};
};

TorchReference::TorchReference(const std::filesystem::path& model_file)
    : impl_(std::make_unique<Impl>()) {
  auto module = read_module(model_file);
  if (module.find_method("forward")) {
    impl_->script = std::move(module);
    return;
  }
  const Sidecar s = read_sidecar(sidecar_path(model_file));
  impl_->net = LstmNet(static_cast<int>(s.spec.size()), s.hidden, s.layers, s.horizon);
  torch::load(impl_->net, model_file.string());
  impl_->net->eval();
}

TorchReference::~TorchReference() = default;

std::vector<float> TorchReference::predict(const float* window, int steps, int features) {
  torch::NoGradGuard no_grad;
  auto x = torch::from_blob(const_cast<float*>(window), {1, steps, features}, torch::kFloat);
  torch::Tensor y = impl_->script ? impl_->script->forward({x}).toTensor() : impl_->net->forward(x);
  return to_vector(y.reshape({-1}));
}

}  // namespace rtcrypto::lstm
