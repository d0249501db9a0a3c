// rtcrypto kibana-setup: loads config/kibana/rtcrypto.ndjson (index pattern, charts, orders
// table, dashboard) into Kibana through the saved-objects import API.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "rtcrypto/app/commands.hpp"
#include "rtcrypto/es/kibana_import.hpp"

namespace rtcrypto::app {

namespace {
struct KibanaArgs {
  std::string url = "http://127.0.0.1:5601";
  std::string file;
  std::string user, password_env = "KIBANA_PASSWORD", api_key_env = "KIBANA_API_KEY";
  std::string ca_file, space;
};

std::filesystem::path default_objects() {
  for (const char* p :
       {"config/kibana/rtcrypto.ndjson", "/usr/local/share/rtcrypto/kibana/rtcrypto.ndjson",
        "/usr/share/rtcrypto/kibana/rtcrypto.ndjson"})
    if (std::filesystem::exists(p)) return p;
  return {};
}

void run_kibana(const KibanaArgs& a) {
  std::filesystem::path file = a.file.empty() ? default_objects() : std::filesystem::path(a.file);
  if (file.empty()) throw UsageError("--file: no rtcrypto.ndjson found (give --file PATH)");
  std::ifstream in(file);
  if (!in) throw UsageError("--file: cannot read " + file.string());
  std::stringstream ss;
  ss << in.rdbuf();
  std::string ndjson = ss.str();
  if (auto problems = es::check_saved_objects(ndjson); !problems.empty())
    throw UsageError("--file: " + file.string() + ": " + problems.front());
  es::Url url;
  try {
    url = es::parse_url(a.url);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--kibana: ") + e.what());
  }
  es::HttpClientOptions opt;
  opt.ca_file = a.ca_file;
  // Secrets come from the environment (or a credentials file), never from argv.
  const char* key = std::getenv(a.api_key_env.c_str());
  const char* pass = std::getenv(a.password_env.c_str());
  if (key && *key) {
    opt.authorization = es::api_key_authorization(key);
  } else if (!a.user.empty()) {
    if (!pass) throw UsageError("--user: set the password in $" + a.password_env);
    opt.authorization = es::basic_authorization(a.user, pass);
  }
  es::HttpClient client(url, opt);
  es::KibanaImportResult r;
  try {
    r = es::import_kibana_objects(client, ndjson, a.space);
  } catch (const es::HttpUnreachable& e) {
    throw RuntimeFailure(std::string("kibana-setup: Kibana unreachable: ") + e.what());
  }
  if (!r.success) {
    std::string msg = "kibana-setup: import failed";
    for (const auto& e : r.errors) msg += "; " + e;
    throw RuntimeFailure(msg);
  }
  std::cout << "kibana-setup: imported " << r.success_count << " saved objects from "
            << file.string() << " into " << a.url << (a.space.empty() ? "" : " space " + a.space)
            << "; open the \"rtcrypto\" dashboard\n";
}
}  // namespace

void add_kibana_command(CLI::App& app) {
  auto args = std::make_shared<KibanaArgs>();
  auto* cmd = app.add_subcommand(
      "kibana-setup", "Load the rtcrypto index pattern, charts and dashboard into Kibana");
  cmd->add_option("--kibana", args->url, "Kibana base URL (http or https)")->capture_default_str();
  cmd->add_option("--file", args->file,
                  "Saved objects ndjson (default: config/kibana/rtcrypto.ndjson)");
  cmd->add_option("--user", args->user, "Basic-auth user (password from $KIBANA_PASSWORD)");
  cmd->add_option("--password-env", args->password_env, "Environment variable holding the password")
      ->capture_default_str();
  cmd->add_option("--api-key-env", args->api_key_env, "Environment variable holding an API key")
      ->capture_default_str();
  cmd->add_option("--ca-file", args->ca_file, "Extra CA bundle for TLS (verification stays on)");
  cmd->add_option("--space", args->space, "Kibana space id (default space when empty)");
  cmd->callback([args] { run_kibana(*args); });
}

}  // namespace rtcrypto::app
