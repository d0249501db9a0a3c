// Finds the LibTorch module: linked in, or dlopen'ed once on first use.
#include "rtcrypto/lstm_core/torch_module.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>

// Defined by the `lstm` part; null here unless that part is linked into this program.
extern "C" const rtcrypto::lstm::TorchModuleApi* rtcrypto_torch_module() __attribute__((weak));

namespace rtcrypto::lstm {
namespace {

const TorchModuleApi* checked(const TorchModuleApi* api, const std::string& where) {
  if (!api) throw std::runtime_error("cannot load " + where + ": its entry returned no table");
  if (api->abi != kTorchModuleAbi)
    throw std::runtime_error("cannot load " + where + ": ABI " + std::to_string(api->abi) +
                             ", this rtcrypto needs " + std::to_string(kTorchModuleAbi) +
                             " (rebuild both together)");
  return api;
}

#ifndef RTCRYPTO_WITHOUT_TORCH
const TorchModuleApi* open_module() {
  const auto path = torch_module_path();
  // RTLD_LOCAL: the module's own copies of core etc. stay private to it.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* err = dlerror();
    throw std::runtime_error("cannot load " + path.string() + ": " + (err ? err : "unknown error") +
                             " (LibTorch is needed to train and to read TorchScript files; set "
                             "RTCRYPTO_TORCH_MODULE to the module's path)");
  }
  using Entry = const TorchModuleApi* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, kTorchModuleEntry));
  if (!entry) {
    dlclose(handle);
    throw std::runtime_error("cannot load " + path.string() + ": no symbol " + kTorchModuleEntry);
  }
  return checked(entry(), path.string());  // never closed: its code may back live objects
}
#endif

}  // namespace

std::filesystem::path torch_module_path() {
  if (const char* env = std::getenv("RTCRYPTO_TORCH_MODULE"); env && *env) return env;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (ec ? std::filesystem::path(".") : exe.parent_path()) / kTorchModuleFile;
}

const TorchModuleApi& torch_module() {
  if (rtcrypto_torch_module)
    return *checked(rtcrypto_torch_module(), "the linked-in LibTorch part");
#ifdef RTCRYPTO_WITHOUT_TORCH
  throw std::runtime_error("rtcrypto was built without LibTorch (install libtorch-dev)");
#else
  // A failure is not remembered: a later call may find the module (tests set the path).
  static std::mutex mu;
  static const TorchModuleApi* api = nullptr;
  std::lock_guard lock(mu);
  if (!api) api = open_module();
  return *api;
#endif
}

}  // namespace rtcrypto::lstm
