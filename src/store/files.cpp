/// @brief Files of a run directory: atomic writes (temporary file, fsync, rename, fsync of
/// the folder), whole-file reads and CRC-32 checksums.
#include "infoplane/store/files.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "infoplane/common.h"

namespace infoplane::store {

namespace fs = std::filesystem;

namespace {

/// Makes a rename durable: fsync of the folder that holds the renamed file (best effort).
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

/// The fault-injection hook of write_file_atomic (files.h): SIGKILL at write number
/// INFOPLANE_KILL_AT_WRITE of this process, after its temporary file and before the rename.
void kill_if_fault_injected() {
  static const long kill_at = [] {
    const char* value = std::getenv("INFOPLANE_KILL_AT_WRITE");
    return value == nullptr ? 0L : std::strtol(value, nullptr, 10);
  }();
  static std::atomic<long> n_writes{0};
  if (kill_at > 0 && ++n_writes == kill_at) ::raise(SIGKILL);
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view content) {
  const fs::path tmp = path.string() + fmt::format(".tmp-{}", ::getpid());
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  if (file == nullptr) {
    input_error("{}: cannot write: {}", path.string(), std::strerror(errno));
  }
  errno = 0;
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  int saved_errno = errno;
  const bool flushed = written && std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  if (written) saved_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (!written || !flushed || !closed) {
    if (saved_errno == 0) saved_errno = errno;
    std::remove(tmp.c_str());
    input_error("{}: write failed: {}", path.string(),
                saved_errno != 0 ? std::strerror(saved_errno) : "unknown error");
  }
  kill_if_fault_injected();
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    input_error("{}: cannot rename the written file into place: {}", path.string(), ec.message());
  }
  sync_directory(path.parent_path());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) input_error("{}: cannot read the file: {}", path.string(), std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) input_error("{}: read error", path.string());
  return ss.str();
}

std::string crc32_hex(std::string_view data) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large inputs in chunks.
  constexpr std::size_t k_chunk = std::size_t{1} << 30;
  for (std::size_t offset = 0; offset < data.size(); offset += k_chunk) {
    const std::size_t n = std::min(k_chunk, data.size() - offset);
    crc = ::crc32(crc, reinterpret_cast<const Bytef*>(data.data() + offset), static_cast<uInt>(n));
  }
  return fmt::format("{:08x}", static_cast<std::uint32_t>(crc));
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace infoplane::store
