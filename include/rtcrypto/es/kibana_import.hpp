#pragma once
// Loads saved objects (ndjson) into Kibana through its saved-objects import API
// (POST [/s/<space>]/api/saved_objects/_import?overwrite=true, multipart, kbn-xsrf).
#include <string>
#include <vector>

#include "rtcrypto/es/http_client.hpp"

namespace rtcrypto::es {

struct KibanaImportResult {
  bool success = false;
  int http_status = 0;
  int success_count = 0;
  std::vector<std::string> errors;  // "type/id: reason"
};

// Checks that every line is a JSON object with "type" and "id" and that every reference
// points at an object of the file or a known built-in; returns the problems (empty: fine).
std::vector<std::string> check_saved_objects(const std::string& ndjson);

// Throws HttpUnreachable when Kibana cannot be reached.
KibanaImportResult import_kibana_objects(HttpClient& kibana, const std::string& ndjson,
                                         const std::string& space = "", bool overwrite = true);

}  // namespace rtcrypto::es
