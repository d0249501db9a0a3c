#include "rtcrypto/lstm_core/weights_file.hpp"

#include <array>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace rtcrypto::lstm {
namespace {

constexpr char kMagic[8] = {'R', 'T', 'C', 'L', 'S', 'T', 'M', 'W'};
constexpr std::uint32_t kVersion = 1;
constexpr std::int32_t kMaxDim = 1 << 16;

struct Header {
  char magic[8];
  std::uint32_t version;
  std::int32_t input, hidden, output, layers;
  std::uint64_t model_size, model_hash;
};

void put_floats(std::ofstream& out, const std::vector<float>& v) {
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(float)));
}

}  // namespace

std::filesystem::path weights_path(const std::filesystem::path& model_file) {
  auto p = model_file;
  p += ".weights";
  return p;
}

std::uint64_t file_fingerprint(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::uint64_t h = 1469598103934665603ull;
  std::array<char, 1 << 16> buf;
  while (in) {
    in.read(buf.data(), buf.size());
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      h ^= static_cast<unsigned char>(buf[static_cast<std::size_t>(i)]);
      h *= 1099511628211ull;
    }
  }
  return h;
}

void write_weights_file(const std::filesystem::path& model_file, const LstmWeights& w) {
  w.validate();
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.input = w.input_size;
  h.hidden = w.hidden_size;
  h.output = w.output_size;
  h.layers = static_cast<std::int32_t>(w.layers.size());
  h.model_size = std::filesystem::file_size(model_file);
  h.model_hash = file_fingerprint(model_file);
  const auto path = weights_path(model_file);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(&h), sizeof h);
  for (const auto& l : w.layers) {
    put_floats(out, l.w_ih);
    put_floats(out, l.w_hh);
    put_floats(out, l.b_ih);
    put_floats(out, l.b_hh);
  }
  put_floats(out, w.fc_w);
  put_floats(out, w.fc_b);
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

std::optional<LstmWeights> read_weights_file(const std::filesystem::path& model_file) {
  const auto path = weights_path(model_file);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  auto bad = [&](const std::string& why) {
    return std::runtime_error("LSTM weights file " + path.string() + ": " + why);
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) throw bad("cannot be read");
  Header h{};
  if (!in.read(reinterpret_cast<char*>(&h), sizeof h) ||
      std::memcmp(h.magic, kMagic, sizeof kMagic) != 0)
    throw bad("not a weights file");
  if (h.version != kVersion) throw bad("unsupported version " + std::to_string(h.version));
  auto dim_ok = [](std::int32_t d) { return d >= 1 && d <= kMaxDim; };
  if (!dim_ok(h.input) || !dim_ok(h.hidden) || !dim_ok(h.output) || h.layers < 1 || h.layers > 64)
    throw bad("implausible dimensions");
  // Stale: MODEL changed since the trainer wrote it.
  if (std::filesystem::file_size(model_file, ec) != h.model_size || ec ||
      file_fingerprint(model_file) != h.model_hash)
    return std::nullopt;

  auto take = [&](std::size_t n) {
    std::vector<float> v(n);
    if (!in.read(reinterpret_cast<char*>(v.data()),
                 static_cast<std::streamsize>(n * sizeof(float))))
      throw bad("truncated");
    return v;
  };
  const std::size_t H = static_cast<std::size_t>(h.hidden), G = 4 * H;
  LstmWeights w;
  w.input_size = h.input;
  w.hidden_size = h.hidden;
  w.output_size = h.output;
  for (int l = 0; l < h.layers; ++l) {
    LstmLayerWeights lw;
    lw.w_ih = take(G * (l == 0 ? static_cast<std::size_t>(h.input) : H));
    lw.w_hh = take(G * H);
    lw.b_ih = take(G);
    lw.b_hh = take(G);
    w.layers.push_back(std::move(lw));
  }
  w.fc_w = take(static_cast<std::size_t>(h.output) * H);
  w.fc_b = take(static_cast<std::size_t>(h.output));
  if (in.peek() != std::char_traits<char>::eof()) throw bad("trailing bytes");
  try {
    w.validate();
  } catch (const std::invalid_argument& e) {
    throw bad(e.what());
  }
  return w;
}

}  // namespace rtcrypto::lstm
