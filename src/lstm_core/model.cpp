#include "rtcrypto/lstm_core/model.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace rtcrypto::lstm {

using nlohmann::json;

Normalisation Normalisation::fit(const float* rows, std::size_t n_rows, std::size_t cols,
                                 const std::vector<std::size_t>* only_rows) {
  Normalisation n;
  n.mean.assign(cols, 0.0);
  n.std.assign(cols, 0.0);
  const std::size_t count = only_rows ? only_rows->size() : n_rows;
  if (count == 0) throw std::invalid_argument("cannot fit a normalisation on no rows");
  auto row_at = [&](std::size_t k) { return rows + (only_rows ? (*only_rows)[k] : k) * cols; };
  for (std::size_t k = 0; k < count; ++k)
    for (std::size_t c = 0; c < cols; ++c) n.mean[c] += row_at(k)[c];
  for (auto& m : n.mean) m /= static_cast<double>(count);
  for (std::size_t k = 0; k < count; ++k)
    for (std::size_t c = 0; c < cols; ++c) {
      const double d = row_at(k)[c] - n.mean[c];
      n.std[c] += d * d;
    }
  for (auto& s : n.std) s = std::max(std::sqrt(s / static_cast<double>(count)), 1e-12);
  return n;
}

void Normalisation::apply(const float* in, float* out) const {
  for (std::size_t c = 0; c < mean.size(); ++c)
    out[c] = static_cast<float>((in[c] - mean[c]) / std[c]);
}

void Sidecar::validate() const {
  spec.validate();
  if (lookback < 1 || lookback > 100000) throw std::invalid_argument("lookback must be >= 1");
  if (horizon < 1 || horizon > 1000) throw std::invalid_argument("horizon must be in 1..1000");
  if (hidden < 1) throw std::invalid_argument("hidden must be >= 1");
  if (layers < 1) throw std::invalid_argument("layers must be >= 1");
  if (input.mean.size() != spec.size() || input.std.size() != spec.size())
    throw std::invalid_argument("normalisation.input has " + std::to_string(input.mean.size()) +
                                " columns for " + std::to_string(spec.size()) + " features");
  if (target.mean.size() != static_cast<std::size_t>(horizon) ||
      target.std.size() != static_cast<std::size_t>(horizon))
    throw std::invalid_argument("normalisation.target must have `horizon` entries");
  for (const auto* n : {&input, &target})
    for (std::size_t i = 0; i < n->mean.size(); ++i)
      if (!std::isfinite(n->mean[i]) || !std::isfinite(n->std[i]) || n->std[i] <= 0)
        throw std::invalid_argument("normalisation has a non-finite mean or non-positive std");
  if (model_format != "torchscript" && model_format != "torch_save")
    throw std::invalid_argument("model_format must be torchscript or torch_save");
}

std::filesystem::path sidecar_path(const std::filesystem::path& model_file) {
  return model_file.string() + ".json";
}

namespace {
json norm_json(const Normalisation& n) {
  return json{{"mean", n.mean}, {"std", n.std}};
}
Normalisation norm_from(const json& j) {
  Normalisation n;
  n.mean = j.at("mean").get<std::vector<double>>();
  n.std = j.at("std").get<std::vector<double>>();
  return n;
}
}  // namespace

Sidecar read_sidecar(const std::filesystem::path& json_file) {
  std::ifstream in(json_file);
  if (!in) throw std::runtime_error("LSTM sidecar " + json_file.string() + " not found");
  Sidecar s;
  try {
    json j = json::parse(in);
    if (j.value("format", std::string()) != "rtcrypto-lstm")
      throw std::invalid_argument("\"format\" is not \"rtcrypto-lstm\"");
    if (j.at("version").get<int>() != Sidecar::kVersion)
      throw std::invalid_argument("unsupported \"version\"");
    s.spec.features.clear();
    for (const auto& f : j.at("features"))
      s.spec.features.push_back(parse_feature(f.get<std::string>()));
    const auto& fp = j.at("feature_params");
    s.spec.sma_window = fp.at("sma_window").get<int>();
    s.spec.atr_window = fp.at("atr_window").get<int>();
    const auto method = fp.at("atr_method").get<std::string>();
    if (method == "wilder")
      s.spec.atr_method = AtrMethod::Wilder;
    else if (method == "simple")
      s.spec.atr_method = AtrMethod::Simple;
    else
      throw std::invalid_argument("feature_params.atr_method must be wilder or simple");
    s.lookback = j.at("lookback").get<int>();
    s.horizon = j.at("horizon").get<int>();
    s.hidden = j.at("hidden").get<int>();
    s.layers = j.at("layers").get<int>();
    s.input = norm_from(j.at("normalisation").at("input"));
    s.target = norm_from(j.at("normalisation").at("target"));
    s.model_format = j.value("model_format", std::string("torchscript"));
    if (j.contains("metrics")) s.metrics_json = j["metrics"].dump();
    if (j.contains("data")) s.data_json = j["data"].dump();
    s.validate();
  } catch (const std::exception& e) {
    throw std::runtime_error("LSTM sidecar " + json_file.string() + ": " + e.what());
  }
  return s;
}

void write_sidecar(const std::filesystem::path& json_file, const Sidecar& s) {
  s.validate();
  json features = json::array();
  for (Feature f : s.spec.features) features.push_back(std::string(to_string(f)));
  json j{{"format", "rtcrypto-lstm"},
         {"version", Sidecar::kVersion},
         {"features", features},
         {"feature_params",
          {{"sma_window", s.spec.sma_window},
           {"atr_window", s.spec.atr_window},
           {"atr_method", s.spec.atr_method == AtrMethod::Wilder ? "wilder" : "simple"}}},
         {"lookback", s.lookback},
         {"horizon", s.horizon},
         {"hidden", s.hidden},
         {"layers", s.layers},
         {"target", "cumulative log return ln(C[t+k]/C[t]), k = 1..horizon"},
         {"normalisation", {{"input", norm_json(s.input)}, {"target", norm_json(s.target)}}},
         {"model_format", s.model_format},
         {"metrics", json::parse(s.metrics_json)},
         {"data", json::parse(s.data_json)}};
  std::ofstream out(json_file);
  out << j.dump(2) << "\n";
  if (!out) throw std::runtime_error("cannot write " + json_file.string());
}

void LstmWeights::validate() const {
  auto need = [](bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument("LSTM weights: " + what);
  };
  need(input_size > 0 && hidden_size > 0 && output_size > 0, "sizes must be positive");
  need(!layers.empty(), "no LSTM layer");
  const std::size_t G = 4 * static_cast<std::size_t>(hidden_size),
                    H = static_cast<std::size_t>(hidden_size);
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const std::size_t in = l == 0 ? static_cast<std::size_t>(input_size) : H;
    const auto& w = layers[l];
    const std::string at = " of layer " + std::to_string(l);
    need(w.w_ih.size() == G * in, "weight_ih shape" + at);
    need(w.w_hh.size() == G * H, "weight_hh shape" + at);
    need(w.b_ih.size() == G && w.b_hh.size() == G, "bias shape" + at);
  }
  need(fc_w.size() == static_cast<std::size_t>(output_size) * H, "linear weight shape");
  need(fc_b.size() == static_cast<std::size_t>(output_size), "linear bias shape");
}

void LstmModel::check_consistent() const {
  weights.validate();
  const auto& s = sidecar;
  auto mismatch = [&](const std::string& what, long side, long model) {
    throw std::runtime_error(
        "LSTM model " + file.string() + " does not match its sidecar: " + what + " is " +
        std::to_string(side) + " in the sidecar but " + std::to_string(model) + " in the model");
  };
  if (static_cast<std::size_t>(weights.input_size) != s.spec.size())
    mismatch("the number of features", static_cast<long>(s.spec.size()), weights.input_size);
  if (weights.hidden_size != s.hidden) mismatch("hidden", s.hidden, weights.hidden_size);
  if (static_cast<int>(weights.layers.size()) != s.layers)
    mismatch("layers", s.layers, static_cast<long>(weights.layers.size()));
  if (weights.output_size != s.horizon)
    mismatch("horizon (outputs)", s.horizon, weights.output_size);
}

}  // namespace rtcrypto::lstm
