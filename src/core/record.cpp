#include "rtcrypto/core/record.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <unordered_set>

namespace rtcrypto {

namespace {
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
}  // namespace

std::string_view FieldKey::intern(std::string_view name) {
  // Never freed: names are few, and records anywhere may still point at them. Hashed: one
  // probe, not a walk of compares (each engine interns its symbols' names again).
  static std::mutex mu;
  static auto* names = new std::unordered_set<std::string, NameHash, std::equal_to<>>;
  std::lock_guard lock(mu);
  auto it = names->find(name);
  if (it == names->end()) it = names->emplace(name).first;
  return *it;
}

std::ostream& operator<<(std::ostream& os, const FieldKey& k) {
  return os << k.view();
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  // The usual text (ids, symbols, reasons) needs no escape: appended in one piece.
  const bool plain = std::none_of(s.begin(), s.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
  if (plain) {
    out += s;
    out.push_back('"');
    return;
  }
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void append_json_value(std::string& out, const FieldValue& v) {
  switch (v.index()) {
    case 0:
      out += "null";
      break;
    case 1:
      out += std::get<bool>(v) ? "true" : "false";
      break;
    case 2:
      out += std::to_string(std::get<std::int64_t>(v));
      break;
    case 3: {
      double d = std::get<double>(v);
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      // Shortest text that reads back as the same double: deterministic and lossless.
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, res.ptr);
      break;
    }
    case 4:
      append_json_string(out, std::get<std::string>(v));
      break;
    case 5:
      std::get<Decimal>(v).append_to(out);
      break;
  }
}

namespace {
void append_field(std::string& out, std::string_view key, const FieldValue& v) {
  if (out.size() > 1) out.push_back(',');
  append_json_string(out, key);
  out.push_back(':');
  append_json_value(out, v);
}
}  // namespace

std::string to_document_json(const Record& r, std::string_view run_id) {
  std::string out = "{";
  append_field(out, "doc_type", r.doc_type);
  append_field(out, "timestamp", format_iso8601_ms(r.ts));
  append_field(out, "symbol", r.symbol);
  append_field(out, "run_id", std::string(run_id));
  for (const auto& [k, v] : r.fields) append_field(out, k, v);
  out.push_back('}');
  return out;
}

std::string to_contract_json(const Record& r, std::string_view run_id) {
  if (!r.is_window()) return to_document_json(r, run_id);
  std::string out = "{";
  append_field(out, "type", r.doc_type);
  if (auto* v = r.get("value")) append_field(out, "value", *v);
  append_field(out, "timestamp",
               static_cast<std::int64_t>(floor_to_period(r.ts, kNsPerSec) / kNsPerSec));
  append_field(out, "symbol", r.symbol);
  for (const auto& [k, v] : r.fields) {
    if (k == "value" || k == "type" || k == "timestamp" || k == "symbol") continue;
    append_field(out, k, v);
  }
  out.push_back('}');
  return out;
}

}  // namespace rtcrypto
