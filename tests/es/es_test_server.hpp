#pragma once
// An Elasticsearch-8-API stand-in on 127.0.0.1 for tests (header-only; Beast, one thread).
// Answers GET /, PUT/GET /_index_template/<name>, POST [/<index>]/_bulk (HTTP 200 with
// "errors" and a status per item, like ES 8), GET|POST /<index>/_count and /_search
// (match_all or a single `term` query), POST /<index>/_refresh. Faults: injected item
// statuses (429, 400, ...), whole-request statuses (429, 503) and down periods during which
// the port refuses connections.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace rtcrypto::test {

class FakeElasticsearch {
 public:
  FakeElasticsearch() : acceptor_(ioc_) {
    open(0);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~FakeElasticsearch() {
    boost::asio::post(ioc_, [this] { close_all(); });
    work_.reset();
    ioc_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Down: the port refuses connections and open connections are cut. Up: listens again.
  void set_down(bool down) {
    std::promise<void> done;
    boost::asio::post(ioc_, [&] {
      if (down) {
        close_all();
      } else if (!acceptor_.is_open()) {
        open(port_);
      }
      done.set_value();
    });
    done.get_future().wait();
  }

  // The next `count` bulk items (in arrival order) get `status` instead of being stored.
  void fail_next_items(int status, std::size_t count) {
    std::lock_guard l(mu_);
    for (std::size_t i = 0; i < count; ++i) item_faults_.push_back(status);
  }
  // Every item with this _id fails with `status`, `times` times (-1: always).
  void fail_id(const std::string& id, int status, int times = -1) {
    std::lock_guard l(mu_);
    id_faults_[id] = {status, times};
  }
  // The next `count` _bulk requests are answered with a whole-request `status`.
  void fail_next_requests(int status, std::size_t count) {
    std::lock_guard l(mu_);
    for (std::size_t i = 0; i < count; ++i) request_faults_.push_back(status);
  }
  void require_authorization(std::string value) {
    std::lock_guard l(mu_);
    authorization_ = std::move(value);
  }

  std::size_t count(const std::string& index_pattern = "*") const {
    std::lock_guard l(mu_);
    std::size_t n = 0;
    for (const auto& [index, docs] : indices_)
      if (matches(index_pattern, index)) n += docs.size();
    return n;
  }
  std::set<std::string> ids(const std::string& index_pattern = "*") const {
    std::lock_guard l(mu_);
    std::set<std::string> out;
    for (const auto& [index, docs] : indices_)
      if (matches(index_pattern, index))
        for (const auto& [id, d] : docs) out.insert(id);
    return out;
  }
  nlohmann::json source(const std::string& index, const std::string& id) const {
    std::lock_guard l(mu_);
    auto it = indices_.find(index);
    if (it == indices_.end()) return nullptr;
    auto d = it->second.find(id);
    return d == it->second.end() ? nlohmann::json() : d->second.source;
  }
  // Ids in the order their first successful write arrived.
  std::vector<std::string> arrival_order() const {
    std::lock_guard l(mu_);
    return arrival_;
  }
  std::size_t bulk_requests() const {
    std::lock_guard l(mu_);
    return bulk_requests_;
  }
  std::size_t item_attempts() const {
    std::lock_guard l(mu_);
    return item_attempts_;
  }
  std::string index_template(const std::string& name) const {
    std::lock_guard l(mu_);
    auto it = templates_.find(name);
    return it == templates_.end() ? std::string() : it->second;
  }

  // '*' globs and comma lists, as in ES index expressions.
  static bool matches(const std::string& pattern, const std::string& name) {
    std::size_t start = 0;
    while (start <= pattern.size()) {
      auto comma = pattern.find(',', start);
      std::string p =
          pattern.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (glob(p, name)) return true;
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return false;
  }

 private:
  using tcp = boost::asio::ip::tcp;
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  struct Doc {
    nlohmann::json source;
    long version = 1;
  };

  struct Session : std::enable_shared_from_this<Session> {
    Session(FakeElasticsearch& o, tcp::socket s) : owner(o), socket(std::move(s)) {}
    FakeElasticsearch& owner;
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
    Request req;
    Response res;
    void read() {
      req = {};
      auto self = shared_from_this();
      boost::beast::http::async_read(socket, buffer, req,
                                     [self](boost::beast::error_code ec, std::size_t) {
                                       if (ec) return self->close();
                                       self->res = self->owner.handle(self->req);
                                       self->write();
                                     });
    }
    void write() {
      auto self = shared_from_this();
      boost::beast::http::async_write(socket, res,
                                      [self](boost::beast::error_code ec, std::size_t) {
                                        if (ec || !self->res.keep_alive()) return self->close();
                                        self->read();
                                      });
    }
    void close() {
      boost::beast::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
    }
  };

  static bool glob(const std::string& p, const std::string& s) {
    std::size_t pi = 0, si = 0, star = std::string::npos, mark = 0;
    while (si < s.size()) {
      if (pi < p.size() && p[pi] == s[si]) {
        ++pi;
        ++si;
      } else if (pi < p.size() && p[pi] == '*') {
        star = pi++;
        mark = si;
      } else if (star != std::string::npos) {
        pi = star + 1;
        si = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
  }

  void open(std::uint16_t port) {
    tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept();
  }
  void accept() {
    acceptor_.async_accept([this](boost::beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto s = std::make_shared<Session>(*this, std::move(socket));
      sessions_.push_back(s);
      s->read();
      accept();
    });
  }
  void close_all() {
    boost::beast::error_code ignored;
    acceptor_.close(ignored);
    for (auto& w : sessions_)
      if (auto s = w.lock()) s->close();
    sessions_.clear();
  }

  static Response reply(const Request& req, int status, const nlohmann::json& body) {
    Response res{static_cast<boost::beast::http::status>(status), req.version()};
    res.set(boost::beast::http::field::content_type, "application/json");
    res.set("X-elastic-product", "Elasticsearch");
    res.keep_alive(req.keep_alive());
    res.body() = body.dump();
    res.prepare_payload();
    return res;
  }
  static nlohmann::json error_body(int status, const std::string& type, const std::string& reason) {
    return {{"error",
             {{"root_cause", {{{"type", type}, {"reason", reason}}}},
              {"type", type},
              {"reason", reason}}},
            {"status", status}};
  }

  Response handle(const Request& req) {
    std::lock_guard l(mu_);
    if (!authorization_.empty() && req[boost::beast::http::field::authorization] != authorization_)
      return reply(req, 401,
                   error_body(401, "security_exception", "missing authentication credentials"));
    std::string target(req.target());
    std::string query;
    if (auto q = target.find('?'); q != std::string::npos) {
      query = target.substr(q + 1);
      target = target.substr(0, q);
    }
    std::vector<std::string> parts;
    for (std::size_t i = 1; i <= target.size();) {
      auto j = target.find('/', i);
      if (j == std::string::npos) j = target.size();
      if (j > i) parts.push_back(target.substr(i, j - i));
      i = j + 1;
    }
    using boost::beast::http::verb;
    if (parts.empty())
      return reply(req, 200,
                   {{"name", "fake"},
                    {"cluster_name", "rtcrypto-test"},
                    {"version", {{"number", "8.11.3"}}},
                    {"tagline", "You Know, for Search"}});
    if (parts[0] == "_index_template" && parts.size() == 2) {
      if (req.method() == verb::put || req.method() == verb::post) {
        auto j = nlohmann::json::parse(req.body(), nullptr, false);
        if (j.is_discarded() || !j.contains("index_patterns"))
          return reply(
              req, 400,
              error_body(400, "action_request_validation_exception", "index patterns are missing"));
        templates_[parts[1]] = req.body();
        return reply(req, 200, {{"acknowledged", true}});
      }
      auto it = templates_.find(parts[1]);
      if (it == templates_.end())
        return reply(req, 404,
                     error_body(404, "resource_not_found_exception",
                                "index template matching [" + parts[1] + "] not found"));
      return reply(
          req, 200,
          {{"index_templates",
            {{{"name", parts[1]}, {"index_template", nlohmann::json::parse(it->second)}}}}});
    }
    std::string index = parts.size() >= 2 ? parts[0] : "";
    std::string op = parts.back();
    if (op == "_bulk") return bulk(req, index);
    std::string pattern = index.empty() || index == "_all" ? "*" : index;
    if (op == "_refresh")
      return reply(req, 200, {{"_shards", {{"total", 1}, {"successful", 1}, {"failed", 0}}}});
    if (op == "_count" || op == "_search") {
      nlohmann::json body = req.body().empty() ? nlohmann::json::object()
                                               : nlohmann::json::parse(req.body(), nullptr, false);
      if (body.is_discarded())
        return reply(req, 400, error_body(400, "parsing_exception", "request body is not JSON"));
      std::string field, value;
      if (body.contains("query") && body["query"].contains("term")) {
        auto& term = body["query"]["term"];
        field = term.begin().key();
        auto v = term.begin().value();
        if (v.is_object()) v = v["value"];
        value = v.is_string() ? v.get<std::string>() : v.dump();
      }
      std::vector<nlohmann::json> hits;
      bool any_index = false;
      for (const auto& [name, docs] : indices_) {
        if (!matches(pattern, name)) continue;
        any_index = true;
        for (const auto& id : order_) {
          if (id.first != name) continue;
          const auto& d = docs.at(id.second);
          if (!field.empty()) {
            if (!d.source.contains(field)) continue;
            const auto& f = d.source[field];
            if ((f.is_string() ? f.get<std::string>() : f.dump()) != value) continue;
          }
          hits.push_back(
              {{"_index", name}, {"_id", id.second}, {"_score", 1.0}, {"_source", d.source}});
        }
      }
      if (!any_index && pattern.find('*') == std::string::npos)
        return reply(
            req, 404,
            error_body(404, "index_not_found_exception", "no such index [" + pattern + "]"));
      if (op == "_count")
        return reply(
            req, 200,
            {{"count", hits.size()},
             {"_shards", {{"total", 1}, {"successful", 1}, {"skipped", 0}, {"failed", 0}}}});
      std::size_t size = body.value("size", 10);
      if (auto p = query.find("size="); p != std::string::npos)
        size = std::stoul(query.substr(p + 5));
      nlohmann::json out_hits = nlohmann::json::array();
      for (std::size_t i = 0; i < hits.size() && i < size; ++i) out_hits.push_back(hits[i]);
      return reply(req, 200,
                   {{"took", 1},
                    {"timed_out", false},
                    {"hits",
                     {{"total", {{"value", hits.size()}, {"relation", "eq"}}},
                      {"max_score", 1.0},
                      {"hits", out_hits}}}});
    }
    return reply(req, 400,
                 error_body(400, "illegal_argument_exception", "unknown request " + target));
  }

  Response bulk(const Request& req, const std::string& default_index) {
    ++bulk_requests_;
    if (!request_faults_.empty()) {
      int status = request_faults_.front();
      request_faults_.pop_front();
      return reply(req, status,
                   error_body(status,
                              status == 429 ? "es_rejected_execution_exception"
                                            : "unavailable_shards_exception",
                              "injected"));
    }
    const std::string& body = req.body();
    if (body.empty() || body.back() != '\n')
      return reply(req, 400,
                   error_body(400, "illegal_argument_exception",
                              "The bulk request must be terminated by a newline [\\n]"));
    nlohmann::json items = nlohmann::json::array();
    bool errors = false;
    std::size_t pos = 0;
    auto next_line = [&](std::string& line) {
      if (pos >= body.size()) return false;
      auto nl = body.find('\n', pos);
      line = body.substr(pos, nl - pos);
      pos = nl + 1;
      return true;
    };
    std::string line;
    while (next_line(line)) {
      if (line.empty()) continue;
      auto action = nlohmann::json::parse(line, nullptr, false);
      if (action.is_discarded() || !action.is_object() || action.size() != 1)
        return reply(
            req, 400,
            error_body(400, "illegal_argument_exception", "Malformed action/metadata line"));
      std::string op = action.begin().key();
      auto meta = action.begin().value();
      std::string index = meta.value("_index", default_index);
      std::string id = meta.contains("_id") ? meta["_id"].get<std::string>()
                                            : "auto" + std::to_string(++auto_id_);
      std::string source_line;
      if (op != "delete" && !next_line(source_line))
        return reply(req, 400,
                     error_body(400, "illegal_argument_exception", "missing source line"));
      ++item_attempts_;
      int status = 0;
      if (!item_faults_.empty()) {
        status = item_faults_.front();
        item_faults_.pop_front();
      } else if (auto f = id_faults_.find(id); f != id_faults_.end() && f->second.second != 0) {
        status = f->second.first;
        if (f->second.second > 0) --f->second.second;
      }
      nlohmann::json item{{"_index", index}, {"_id", id}};
      auto source = nlohmann::json::parse(source_line, nullptr, false);
      if (status == 0 && (op == "index" || op == "create") &&
          (source.is_discarded() || !source.is_object()))
        status = 400;
      if (status == 0) {
        auto& docs = indices_[index];
        auto it = docs.find(id);
        if (op == "create" && it != docs.end()) {
          status = 409;
        } else if (op == "index" || op == "create") {
          if (it == docs.end()) {
            docs[id] = Doc{source, 1};
            order_.emplace_back(index, id);
            arrival_.push_back(id);
            item["result"] = "created";
            item["_version"] = 1;
            status = 201;
          } else {
            it->second.source = source;
            item["result"] = "updated";
            item["_version"] = ++it->second.version;
            status = 200;
          }
          item["_shards"] = {{"total", 1}, {"successful", 1}, {"failed", 0}};
          item["_seq_no"] = seq_no_++;
          item["_primary_term"] = 1;
        } else {
          status = 400;
        }
      }
      if (status >= 300) {
        errors = true;
        std::string type = status == 429   ? "es_rejected_execution_exception"
                           : status == 409 ? "version_conflict_engine_exception"
                                           : "mapper_parsing_exception";
        item["error"] = {{"type", type}, {"reason", "injected or invalid document [" + id + "]"}};
      }
      item["status"] = status;
      items.push_back({{op, item}});
    }
    return reply(req, 200, {{"took", 3}, {"errors", errors}, {"items", items}});
  }

  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      boost::asio::make_work_guard(ioc_)};
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::vector<std::weak_ptr<Session>> sessions_;

  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, Doc>> indices_;
  std::vector<std::pair<std::string, std::string>> order_;
  std::vector<std::string> arrival_;
  std::map<std::string, std::string> templates_;
  std::deque<int> item_faults_;
  std::map<std::string, std::pair<int, int>> id_faults_;
  std::deque<int> request_faults_;
  std::string authorization_;
  std::size_t bulk_requests_ = 0, item_attempts_ = 0, auto_id_ = 0;
  long seq_no_ = 0;
};

}  // namespace rtcrypto::test
