/// @brief libFuzzer target: the IDX reader on the fuzzer's bytes, read from a file as they
/// are (plain, or gzip data when they start with gzip's magic bytes), parsed directly, and
/// gzip-compressed into a second file: both files must give what parse_idx gives. Anything
/// but InputError, or a difference, is a bug.
///
/// Built by the `fuzz` preset and run by scripts/fuzz.sh (docs/long-runs.md).
#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "infoplane/common.h"
#include "infoplane/data/idx.h"

namespace fs = std::filesystem;

namespace {

std::optional<infoplane::data::IdxArray> read(const fs::path& path) {
  try {
    return infoplane::data::read_idx(path);
  } catch (const infoplane::InputError&) {
    return std::nullopt;
  }
}

bool same(const std::optional<infoplane::data::IdxArray>& a, const std::optional<infoplane::data::IdxArray>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->dims == b->dims && a->values == b->values);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path dir = fs::temp_directory_path() / ("infoplane_idx_fuzz_" + std::to_string(::getpid()));
  static const bool made = fs::create_directories(dir) || fs::is_directory(dir);
  (void)made;
  const std::vector<std::uint8_t> bytes(data, data + size);

  std::optional<infoplane::data::IdxArray> parsed;
  try {
    parsed = infoplane::data::parse_idx(bytes, "fuzz");
  } catch (const infoplane::InputError&) {
  }

  const fs::path plain = dir / "plain-idx1-ubyte";
  std::ofstream(plain, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  const std::optional<infoplane::data::IdxArray> from_file = read(plain);
  // Bytes that start like gzip are read as gzip: only plain IDX bytes must match parse_idx.
  const bool gzip_magic = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  if (!gzip_magic && !same(parsed, from_file)) std::abort();

  const fs::path packed = dir / "packed-idx1-ubyte.gz";
  gzFile file = gzopen(packed.c_str(), "wb");
  if (file == nullptr) std::abort();
  if (size > 0 && gzwrite(file, data, static_cast<unsigned>(size)) != static_cast<int>(size)) std::abort();
  gzclose(file);
  if (!same(parsed, read(packed))) std::abort();
  return 0;
}
