/// @brief IDX reading through zlib's gz* interface (which also reads plain files).
#include "infoplane/data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <fmt/ranges.h>
#include <string>

#include "infoplane/common.h"

namespace infoplane::data {

namespace {

/// Whole decompressed contents of a gzip or plain file.
std::vector<std::uint8_t> read_all(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) input_error("{}: no such IDX file", name);
  gzFile file = gzopen(name.c_str(), "rb");
  if (file == nullptr) input_error("{}: cannot open the IDX file", name);
  gzbuffer(file, 1U << 17);
  std::vector<std::uint8_t> bytes;
  // Reads of 64 KiB, doubling up to 1 MiB: a small file costs no megabyte of zeros.
  constexpr std::size_t k_max_chunk = 1U << 20;
  std::size_t chunk = 1U << 16;
  for (;;) {
    const std::size_t at = bytes.size();
    bytes.resize(at + chunk);
    const int got = gzread(file, bytes.data() + at, static_cast<unsigned>(chunk));
    if (got < 0) {
      int code = 0;
      const std::string message = gzerror(file, &code);
      gzclose(file);
      input_error("{}: corrupt or truncated gzip data ({})", name, message);
    }
    bytes.resize(at + static_cast<std::size_t>(got));
    if (got == 0) break;
    chunk = std::min(2 * chunk, k_max_chunk);
  }
  int code = 0;
  const std::string message = gzerror(file, &code);
  gzclose(file);
  // A stream cut short ends with Z_BUF_ERROR ("unexpected end of file").
  if (code != Z_OK && code != Z_STREAM_END) {
    input_error("{}: corrupt or truncated gzip data ({})", name, message);
  }
  return bytes;
}

std::uint32_t big_endian(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace

IdxArray parse_idx(const std::vector<std::uint8_t>& bytes, const std::string& where) {
  if (bytes.size() < 4) {
    input_error("{}: not an IDX file: {} bytes, expected at least a 4-byte header", where, bytes.size());
  }
  if (bytes[0] != 0 || bytes[1] != 0) {
    input_error("{}: not an IDX file: magic number starts with bytes {:#04x} {:#04x}, expected 0x00 0x00",
                where, bytes[0], bytes[1]);
  }
  if (bytes[2] != 0x08) {
    input_error("{}: IDX value type {:#04x} is not supported; expected 0x08 (unsigned byte)", where, bytes[2]);
  }
  const std::size_t n_dims = bytes[3];
  if (n_dims < 1 || n_dims > 4) input_error("{}: IDX file has {} dimensions, expected 1 to 4", where, n_dims);
  const std::size_t header = 4 + 4 * n_dims;
  if (bytes.size() < header) {
    input_error("{}: truncated IDX header: {} bytes, expected {}", where, bytes.size(), header);
  }
  IdxArray array;
  std::size_t count = 1;
  for (std::size_t d = 0; d < n_dims; ++d) {
    const std::size_t size = big_endian(bytes.data() + 4 + 4 * d);
    if (size == 0) input_error("{}: IDX dimension {} is 0", where, d);
    array.dims.push_back(size);
    count *= size;
    if (count > (std::size_t{1} << 36)) input_error("{}: IDX dimensions are implausibly large", where);
  }
  if (bytes.size() != header + count) {
    input_error("{}: IDX file holds {} bytes of values, its header announces {} ({}); the file is "
                "truncated or corrupt", where, bytes.size() - header, count,
                fmt::format("{}", fmt::join(array.dims, " x ")));
  }
  array.values.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return array;
}

IdxArray read_idx(const std::filesystem::path& path) { return parse_idx(read_all(path), path.string()); }

}  // namespace infoplane::data
