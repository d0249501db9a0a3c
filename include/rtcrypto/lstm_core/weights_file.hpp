#pragma once
// The project's own weights file MODEL.weights, written by the trainer beside MODEL and
// MODEL.json, so serving its models needs no LibTorch. Little-endian float32 in the PyTorch
// layout, with the model file's size and FNV-1a hash: a MODEL replaced later (e.g. by a
// TorchScript file from Python) makes the stale weights file be ignored.
#include <cstdint>
#include <filesystem>
#include <optional>

#include "rtcrypto/lstm_core/model.hpp"

namespace rtcrypto::lstm {

std::filesystem::path weights_path(const std::filesystem::path& model_file);

// FNV-1a 64 of a file's bytes; throws std::runtime_error if it cannot be read.
std::uint64_t file_fingerprint(const std::filesystem::path& file);

// Writes MODEL.weights for the model file as it is now (call after MODEL is written).
void write_weights_file(const std::filesystem::path& model_file, const LstmWeights& w);

// The weights from MODEL.weights when it exists and belongs to MODEL as it is now; nullopt
// when it is absent or stale. Throws std::runtime_error naming the file when it is corrupt.
std::optional<LstmWeights> read_weights_file(const std::filesystem::path& model_file);

}  // namespace rtcrypto::lstm
