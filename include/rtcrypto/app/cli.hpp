#pragma once
// Entry point of the rtcrypto executable: parses the subcommand and runs it.
namespace rtcrypto::app {
// Exit codes: 0 ok, 2 usage or config error (one-line reason), other non-zero runtime failure.
int main(int argc, char** argv);
}  // namespace rtcrypto::app
