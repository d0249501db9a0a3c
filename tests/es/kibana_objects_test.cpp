#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rtcrypto/es/kibana_import.hpp"

namespace rtcrypto::es {
namespace {

std::string read_objects() {
  auto file = std::filesystem::path(__FILE__).parent_path() / "../../config/kibana/rtcrypto.ndjson";
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(KibanaObjects, FileIsValidAndComplete) {
  std::string text = read_objects();
  ASSERT_FALSE(text.empty());
  EXPECT_TRUE(check_saved_objects(text).empty());
  std::istringstream in(text);
  std::string line;
  std::map<std::string, nlohmann::json> by_id;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    by_id[j["id"]] = j;
  }
  auto& ip = by_id["rtcrypto-gemini-index-pattern"];
  EXPECT_EQ(ip["type"], "index-pattern");
  EXPECT_EQ(ip["attributes"]["timeFieldName"], "timestamp");
  for (auto id :
       {"rtcrypto-cumulative-profit", "rtcrypto-liquidity-ratio", "rtcrypto-price-orders"}) {
    auto vis = nlohmann::json::parse(by_id[id]["attributes"]["visState"].get<std::string>());
    EXPECT_EQ(vis["type"], "vega") << id;
    auto spec = nlohmann::json::parse(vis["params"]["spec"].get<std::string>());
    EXPECT_EQ(spec["data"]["url"]["%timefield%"], "timestamp") << id;
  }
  auto ratio = by_id["rtcrypto-liquidity-ratio"]["attributes"]["visState"].get<std::string>();
  EXPECT_NE(ratio.find("rect"), std::string::npos) << "threshold band";
  EXPECT_EQ(by_id["rtcrypto-orders"]["type"], "search");
  auto dash = by_id["rtcrypto-dashboard"];
  EXPECT_EQ(dash["type"], "dashboard");
  EXPECT_EQ(nlohmann::json::parse(dash["attributes"]["panelsJSON"].get<std::string>()).size(), 4u);
}

TEST(KibanaObjects, CheckFindsBrokenReferences) {
  EXPECT_FALSE(check_saved_objects("not json\n").empty());
  EXPECT_FALSE(
      check_saved_objects(
          R"({"id":"d","type":"dashboard","attributes":{},"references":[{"name":"p","type":"search","id":"gone"}]})")
          .empty());
}

}  // namespace
}  // namespace rtcrypto::es
