# rtcrypto on Debian 12, built with the project's own setup script (see docs/deploy.md).
FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
COPY scripts/setup.sh scripts/setup.sh
# Compiler, CMake and the core libraries from setup.sh; plus what the daemon links for
# Kafka and systemd. (LibTorch, Chromium, Java and R are for training and tests only.)
RUN apt-get update -qq \
 && scripts/setup.sh core \
 && apt-get install -y -qq --no-install-recommends librdkafka-dev libsystemd-dev \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DRTCRYPTO_BUILD_TESTS=OFF -DRTCRYPTO_BUILD_BENCH=OFF -DCMAKE_DISABLE_FIND_PACKAGE_Torch=ON \
 && cmake --build /build --target rtcrypto -j"$(nproc)" \
 && strip /build/rtcrypto \
 # The runtime image gets exactly the Debian packages that own the libraries we link.
 && ldd /build/rtcrypto | awk '/=> \//{print $3}' | xargs -r dpkg -S 2>/dev/null \
      | cut -d: -f1 | sort -u > /build/runtime-packages

FROM debian:12-slim
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=build /build/runtime-packages /tmp/runtime-packages
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates $(cat /tmp/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages \
 && useradd --system --home-dir /var/lib/rtcrypto --create-home --shell /usr/sbin/nologin rtcrypto
COPY --from=build /build/rtcrypto /usr/local/bin/rtcrypto
COPY config/ /usr/local/share/rtcrypto/
COPY models/ /usr/local/share/rtcrypto/models/
USER rtcrypto
WORKDIR /var/lib/rtcrypto
VOLUME /var/lib/rtcrypto
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s \
  CMD ["/usr/local/bin/rtcrypto", "--version"]
ENTRYPOINT ["/usr/local/bin/rtcrypto"]
CMD ["run", "--mode", "paper", "--http", "0.0.0.0:8080"]
