/// @brief Test helpers: this process's temporary folders, removed when the tests end, and
/// copies of the small fixture run.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace infoplane::testing {

/// Folders named PREFIX_PID_NAME under the system's temporary folder; the destructor
/// removes every folder of this process with the prefix.
class TempDirs {
 public:
  explicit TempDirs(const std::string& prefix)
      : m_prefix(prefix + "_" + std::to_string(::getpid()) + "_") {}

  ~TempDirs() {
    std::error_code ec;
    std::vector<std::filesystem::path> found;  // collect first: removing while iterating may skip entries
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec)) {
      if (entry.path().filename().string().rfind(m_prefix, 0) == 0) found.push_back(entry.path());
    }
    for (const auto& dir : found) std::filesystem::remove_all(dir, ec);
  }

  /// The folder's path, not created.
  std::filesystem::path path(const std::string& name) const {
    return std::filesystem::temp_directory_path() / (m_prefix + name);
  }

  /// A fresh folder holding a copy of the fixture run directory tests/fixtures/run_small.
  std::filesystem::path fixture_run(const std::string& name) const {
    const std::filesystem::path dir = make(name);
    for (const char* file : {"manifest.json", "mi.csv", "accuracy.csv", "activation_range.csv"}) {
      std::filesystem::copy_file(std::filesystem::path(INFOPLANE_FIXTURES) / "run_small" / file, dir / file);
    }
    return dir;
  }

  /// A fresh, empty folder.
  std::filesystem::path make(const std::string& name) const {
    const std::filesystem::path dir = path(name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
  }

 private:
  std::string m_prefix;
};

/// Whether the gnuplot program is on the PATH (figure tests are skipped without it).
inline bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

}  // namespace infoplane::testing
