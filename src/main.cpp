#include "rtcrypto/app/cli.hpp"

int main(int argc, char** argv) { return rtcrypto::app::main(argc, argv); }
