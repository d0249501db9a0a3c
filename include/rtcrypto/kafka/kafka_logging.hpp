#pragma once
// librdkafka's log lines and errors into the project's logger, rate-limited (a broker that
// is away makes librdkafka report every reconnect attempt).
#include <librdkafka/rdkafkacpp.h>

#include <string>

#include "rtcrypto/core/log.hpp"

namespace rtcrypto::kafka {

class EventLogger : public RdKafka::EventCb {
 public:
  explicit EventLogger(std::string who) : who_(std::move(who)) {}
  void event_cb(RdKafka::Event& event) override;
  bool fatal() const { return fatal_; }

 private:
  std::string who_;
  log::RateLimiter errors_{5, 10 * kNsPerSec};
  log::RateLimiter logs_{10, 10 * kNsPerSec};
  bool fatal_ = false;
};

// Sets `key`=`value` on `conf` or throws std::runtime_error naming the property.
void set_property(RdKafka::Conf& conf, const std::string& key, const std::string& value);

}  // namespace rtcrypto::kafka
