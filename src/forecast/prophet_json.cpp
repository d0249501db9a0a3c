// Model files: every fitted parameter, the changepoints and the scaling, so a table can be
// extended later without refitting.
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "rtcrypto/forecast/prophet_model.hpp"

namespace rtcrypto::forecast {

std::string ProphetModel::to_json() const {
  nlohmann::json j;
  j["format"] = "rtcrypto-prophet-1";
  j["k"] = k;
  j["m"] = m;
  j["deltas"] = deltas;
  j["changepoints_t"] = changepoints_t;
  j["beta"] = beta;
  j["sigma_obs"] = sigma_obs;
  j["start_ns"] = start;
  j["t_scale_sec"] = t_scale_sec;
  j["y_scale"] = y_scale;
  j["history_end_ns"] = history_end;
  j["history_start"] = format_ymd_hms(start);
  j["history_end"] = format_ymd_hms(history_end);
  j["n_history"] = n_history;
  j["history_step_sec"] = history_step_sec;
  auto& seas = j["seasonalities"] = nlohmann::json::array();
  for (const auto& s : seasonalities)
    seas.push_back({{"name", s.name}, {"period_days", s.period_days}, {"order", s.order}});
  j["options"] = {{"n_changepoints", options.n_changepoints},
                  {"changepoint_range", options.changepoint_range},
                  {"changepoint_prior_scale", options.changepoint_prior_scale},
                  {"seasonality_prior_scale", options.seasonality_prior_scale},
                  {"trend_prior_scale", options.trend_prior_scale},
                  {"interval_width", options.interval_width},
                  {"uncertainty_samples", options.uncertainty_samples},
                  {"seed", options.seed}};
  return j.dump(1);
}

ProphetModel ProphetModel::from_json(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    if (j.value("format", "") != "rtcrypto-prophet-1")
      throw std::runtime_error("not an rtcrypto-prophet-1 model file");
    ProphetModel model;
    model.k = j.at("k");
    model.m = j.at("m");
    model.deltas = j.at("deltas").get<std::vector<double>>();
    model.changepoints_t = j.at("changepoints_t").get<std::vector<double>>();
    model.beta = j.at("beta").get<std::vector<double>>();
    model.sigma_obs = j.at("sigma_obs");
    model.start = j.at("start_ns");
    model.t_scale_sec = j.at("t_scale_sec");
    model.y_scale = j.at("y_scale");
    model.history_end = j.at("history_end_ns");
    model.n_history = j.at("n_history");
    model.history_step_sec = j.value("history_step_sec", 60.0);
    std::size_t features = 0;
    for (const auto& s : j.at("seasonalities")) {
      model.seasonalities.push_back({s.at("name"), s.at("period_days"), s.at("order")});
      features += 2 * static_cast<std::size_t>(model.seasonalities.back().order);
    }
    const auto& o = j.at("options");
    model.options.n_changepoints = o.value("n_changepoints", 25);
    model.options.changepoint_range = o.value("changepoint_range", 0.8);
    model.options.changepoint_prior_scale = o.value("changepoint_prior_scale", 0.05);
    model.options.seasonality_prior_scale = o.value("seasonality_prior_scale", 10.0);
    model.options.trend_prior_scale = o.value("trend_prior_scale", 5.0);
    model.options.interval_width = o.value("interval_width", 0.8);
    model.options.uncertainty_samples = o.value("uncertainty_samples", 1000);
    model.options.seed = o.value("seed", std::uint64_t{42});
    if (model.deltas.size() != model.changepoints_t.size() || model.beta.size() != features ||
        !(model.t_scale_sec > 0) || !(model.y_scale > 0))
      throw std::runtime_error("inconsistent parameter sizes or scales");
    return model;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("forecast model: ") + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("forecast model: ") + e.what());
  }
}

}  // namespace rtcrypto::forecast
