/// @brief Run directory lock: flock() on DIR/lock, holder "PID HOST" recorded in the file.
#include "infoplane/experiment/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <sstream>

#include <fmt/format.h>

#include "infoplane/common.h"

namespace infoplane::experiment {

namespace {

std::string read_holder(int fd) {
  std::array<char, 512> buffer{};
  const ssize_t n = ::pread(fd, buffer.data(), buffer.size() - 1, 0);
  if (n <= 0) return {};
  std::string text(buffer.data(), static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

/// "pid 1234 on host node7" from "1234 node7".
std::string describe(const std::string& holder) {
  std::istringstream in(holder);
  std::string pid, host;
  in >> pid >> host;
  if (pid.empty()) return "an unknown process";
  return host.empty() ? fmt::format("pid {}", pid) : fmt::format("pid {} on host {}", pid, host);
}

}  // namespace

std::string lock_holder_id() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return fmt::format("{} {}", ::getpid(), host[0] != '\0' ? host.data() : "unknown");
}

RunLock::RunLock(const std::filesystem::path& dir) : m_path(file(dir)) {
  // A holder that is about to unlink its lock file may leave us a lock on an unlinked
  // inode: take the lock, then check that the path still names the locked file.
  for (int attempt = 0; attempt < 10; ++attempt) {
    const int fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      input_error("{}: cannot create the lock file {}: {}; expected a writable directory", dir.string(),
                  m_path.string(), std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string holder = read_holder(fd);
      ::close(fd);
      if (err == EWOULDBLOCK) {
        input_error("{}: another infoplane process ({}) is writing this run directory; wait for it "
                    "to finish or stop it",
                    dir.string(), describe(holder));
      }
      input_error("{}: cannot lock {}: {}", dir.string(), m_path.filename().string(), std::strerror(err));
    }
    struct stat by_fd {};
    struct stat by_path {};
    if (::fstat(fd, &by_fd) != 0 || ::stat(m_path.c_str(), &by_path) != 0 ||
        by_fd.st_ino != by_path.st_ino || by_fd.st_dev != by_path.st_dev) {
      ::close(fd);
      continue;
    }
    const std::string previous = read_holder(fd);
    if (!previous.empty()) m_stale_holder = describe(previous);
    const std::string me = lock_holder_id() + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
      const int err = errno;
      ::close(fd);
      input_error("{}: cannot write the lock file {}: {}", dir.string(), m_path.filename().string(),
                  std::strerror(err));
    }
    m_fd = fd;
    return;
  }
  input_error("{}: the lock file {} keeps changing; is another process starting in this directory?",
              dir.string(), m_path.filename().string());
}

RunLock::~RunLock() {
  if (m_fd < 0) return;
  // Unlink while still holding the lock, so that nobody takes over a file about to vanish.
  ::unlink(m_path.c_str());
  ::close(m_fd);
}

}  // namespace infoplane::experiment
