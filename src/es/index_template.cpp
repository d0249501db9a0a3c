#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "rtcrypto/es/elasticsearch_sink.hpp"

namespace rtcrypto::es {

namespace {
// A copy of config/elasticsearch/gemini-template.json so the binary works from anywhere;
// a test checks the two stay the same.
constexpr const char* kBuiltinTemplate = R"TPL({
  "index_patterns": ["gemini", "gemini-*"],
  "priority": 200,
  "_meta": {
    "description": "rtcrypto stored documents (DESIGN.md): windows, decisions, orders, scores, balances, tickers",
    "managed_by": "rtcrypto"
  },
  "template": {
    "settings": {
      "number_of_shards": 1,
      "number_of_replicas": 0,
      "refresh_interval": "1s"
    },
    "mappings": {
      "dynamic": true,
      "dynamic_templates": [
        { "strings_as_keywords": { "match_mapping_type": "string", "mapping": { "type": "keyword", "ignore_above": 1024 } } },
        { "floats_as_doubles": { "match_mapping_type": "double", "mapping": { "type": "double" } } },
        { "balances_as_doubles": { "match": "balance_*", "match_mapping_type": "long", "mapping": { "type": "double" } } },
        { "positions_as_doubles": { "match": "*position_*", "match_mapping_type": "long", "mapping": { "type": "double" } } }
      ],
      "properties": {
        "timestamp": { "type": "date", "format": "strict_date_optional_time||epoch_millis" },
        "doc_type": { "type": "keyword" },
        "symbol": { "type": "keyword" },
        "run_id": { "type": "keyword" },
        "side": { "type": "keyword" },
        "type": { "type": "keyword" },
        "value": { "type": "double" },
        "window_start": { "type": "long" },
        "window_end": { "type": "long" },
        "bid": { "type": "double" },
        "ask": { "type": "double" },
        "last": { "type": "double" },
        "mid": { "type": "double" },
        "spread": { "type": "double" },
        "volume_BTC": { "type": "double" },
        "volume_USD": { "type": "double" },
        "currency": { "type": "keyword" },
        "amount": { "type": "double" },
        "available": { "type": "double" },
        "availableForWithdrawal": { "type": "double" },
        "order_id": { "type": "keyword" },
        "client_order_id": { "type": "keyword" },
        "price": { "type": "double" },
        "original_amount": { "type": "double" },
        "executed_amount": { "type": "double" },
        "remaining_amount": { "type": "double" },
        "avg_execution_price": { "type": "double" },
        "is_cancelled": { "type": "boolean" },
        "is_live": { "type": "boolean" },
        "reason": { "type": "keyword" },
        "profit": { "type": "double" },
        "cumulative_profit": { "type": "double" },
        "fees": { "type": "double" },
        "entry_price": { "type": "double" },
        "exit_price": { "type": "double" },
        "action": { "type": "keyword" },
        "signal": { "type": "keyword" },
        "ratio": { "type": "double" },
        "message": { "type": "text" }
      }
    }
  }
}
)TPL";
}  // namespace

std::string index_template_json(std::string_view index, const std::filesystem::path& file) {
  std::string text = kBuiltinTemplate;
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw std::invalid_argument("--es-template: cannot read " + file.string());
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw std::invalid_argument("index template is not a JSON object");
  j["index_patterns"] = {std::string(index), std::string(index) + "-*"};
  return j.dump();
}

}  // namespace rtcrypto::es
