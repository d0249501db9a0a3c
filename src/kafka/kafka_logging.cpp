#include "rtcrypto/kafka/kafka_logging.hpp"

#include <stdexcept>

namespace rtcrypto::kafka {

void EventLogger::event_cb(RdKafka::Event& e) {
  std::uint64_t skipped = 0;
  switch (e.type()) {
    case RdKafka::Event::EVENT_ERROR: {
      if (e.fatal()) {
        fatal_ = true;
        log::error("kafka " + who_ + ": FATAL: " + RdKafka::err2str(e.err()) + ": " + e.str());
        return;
      }
      if (!errors_.allow(skipped)) return;
      std::string more = skipped ? " (" + std::to_string(skipped) + " similar suppressed)" : "";
      log::warn("kafka " + who_ + ": " + RdKafka::err2str(e.err()) + ": " + e.str() + more);
      return;
    }
    case RdKafka::Event::EVENT_LOG: {
      if (e.severity() > RdKafka::Event::EVENT_SEVERITY_WARNING || !logs_.allow(skipped)) return;
      log::warn("kafka " + who_ + " [" + e.fac() + "]: " + e.str());
      return;
    }
    default:
      return;
  }
}

void set_property(RdKafka::Conf& conf, const std::string& key, const std::string& value) {
  std::string err;
  if (conf.set(key, value, err) != RdKafka::Conf::CONF_OK)
    throw std::runtime_error("kafka property '" + key + "': " + err);
}

}  // namespace rtcrypto::kafka
