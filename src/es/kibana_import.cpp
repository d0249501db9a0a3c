#include "rtcrypto/es/kibana_import.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace rtcrypto::es {

std::vector<std::string> check_saved_objects(const std::string& ndjson) {
  std::vector<std::string> problems;
  std::set<std::string> have;
  std::vector<std::pair<std::string, std::string>> wanted;
  std::istringstream in(ndjson);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j.contains("id") ||
        !j.contains("attributes")) {
      problems.push_back("line " + std::to_string(n) + ": not a saved object");
      continue;
    }
    have.insert(j["type"].get<std::string>() + "/" + j["id"].get<std::string>());
    for (const auto& r : j.value("references", nlohmann::json::array()))
      wanted.emplace_back(j["id"].get<std::string>(),
                          r.value("type", "") + "/" + r.value("id", ""));
  }
  for (const auto& [from, to] : wanted)
    if (!have.count(to)) problems.push_back(from + " refers to missing " + to);
  if (have.empty()) problems.push_back("no saved objects");
  return problems;
}

KibanaImportResult import_kibana_objects(HttpClient& kibana, const std::string& ndjson,
                                         const std::string& space, bool overwrite) {
  const std::string boundary = "----rtcrypto-kibana-import-7d1f";
  std::string body =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rtcrypto.ndjson\"\r\n"
      "Content-Type: application/ndjson\r\n\r\n" +
      ndjson + "\r\n--" + boundary + "--\r\n";
  std::string target = (space.empty() ? "" : "/s/" + space) + "/api/saved_objects/_import";
  if (overwrite) target += "?overwrite=true";
  auto r = kibana.request("POST", target, std::move(body),
                          "multipart/form-data; boundary=" + boundary, {{"kbn-xsrf", "true"}});
  KibanaImportResult out;
  out.http_status = r.status;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || j.is_discarded() || !j.is_object()) {
    std::string msg = !j.is_discarded() && j.is_object() && j.contains("message")
                          ? j["message"].dump()
                          : r.body.substr(0, 300);
    out.errors.push_back("HTTP " + std::to_string(r.status) + ": " + msg);
    return out;
  }
  out.success = j.value("success", false);
  out.success_count = j.value("successCount", 0);
  for (const auto& e : j.value("errors", nlohmann::json::array())) {
    std::string why = e.contains("error") ? e["error"].dump() : "unknown";
    out.errors.push_back(e.value("type", "?") + "/" + e.value("id", "?") + ": " + why);
  }
  return out;
}

}  // namespace rtcrypto::es
