/// @brief One writer per run directory: an advisory lock file RUN_DIR/lock held with flock().
///
/// The lock file records the holder as "PID HOST". flock() is released by the kernel when
/// the holding process ends in any way (exit, crash, SIGKILL), so a lock file left behind by
/// a dead process is recognised as stale: it exists but nobody holds it, and it is taken
/// over. On NFS, Linux maps flock() to POSIX byte-range locks, which the server releases
/// when the client process ends.
#pragma once

#include <filesystem>
#include <string>

namespace infoplane::experiment {

class RunLock {
 public:
  /// Takes the lock of `dir` (which must exist). Throws InputError naming the directory and
  /// the holder ("pid 1234 on host node7") when another process holds it, or when the lock
  /// file cannot be created (a directory that is not writable).
  explicit RunLock(const std::filesystem::path& dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  /// The holder recorded in a lock file that was left behind by a process that no longer
  /// holds it ("pid 1234 on host node7"), or empty when the lock file was fresh.
  const std::string& stale_holder() const { return m_stale_holder; }

  /// The lock file: DIR/lock.
  static std::filesystem::path file(const std::filesystem::path& dir) { return dir / "lock"; }

 private:
  std::filesystem::path m_path;
  int m_fd = -1;
  std::string m_stale_holder;
};

/// "PID HOST" of this process, as written into lock files.
std::string lock_holder_id();

}  // namespace infoplane::experiment
