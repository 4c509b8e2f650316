/// @brief Test helpers for run directories: writing and reading their files as raw text
/// and JSON, and the message of an InputError.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "infoplane/common.h"
#include "infoplane/store/files.h"
#include "infoplane/store/manifest.h"

namespace infoplane::testing {

/// Writes `text` to `path` as it is (no atomic write: tests damage files on purpose).
inline void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// The message of the InputError that `f` throws, or "(no error)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

/// A result file checksum map as the manifest records it.
inline nlohmann::json checksums_json(const std::map<std::string, store::FileChecksum>& sums) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, sum] : sums) j[name] = store::to_json(sum);
  return j;
}

/// RUN_DIR/manifest.json as raw JSON, to inspect or damage it.
inline nlohmann::json manifest_json(const std::filesystem::path& dir) {
  return nlohmann::json::parse(store::read_file(dir / "manifest.json"));
}

}  // namespace infoplane::testing
