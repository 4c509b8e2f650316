/// @brief manifest.json, the record of a run directory, as a typed value with one reader
/// and one writer. Every part of infoplane that reads or writes a manifest goes through
/// these; keys written by another version are kept as they were.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace infoplane::store {

/// The values of "status": a run that is being written (or was interrupted), a finished
/// one, one in which every repetition failed, a merge that is being written.
inline constexpr std::string_view k_status_running = "running";
inline constexpr std::string_view k_status_complete = "complete";
inline constexpr std::string_view k_status_failed = "failed";
inline constexpr std::string_view k_status_merging = "merging";

/// "dataset": what the information is computed over.
struct ManifestDataset {
  std::string name;
  std::size_t n_samples = 0;
  std::size_t n_features = 0;
  std::size_t n_train = 0;
  std::size_t n_test = 0;
  std::size_t n_classes = 0;
  double h_y = std::numeric_limits<double>::quiet_NaN();  ///< bits; NaN when not recorded
};

/// One entry of "layers": index 0 is the input X, then every information-plane layer.
struct ManifestLayer {
  std::size_t index = 0;
  std::string name;                ///< "input", "dense1", "conv1", "maxpool2", "output"
  std::size_t width = 0;           ///< features
  std::string activation;          ///< "input", "tanh", "relu", "softmax", ...
  std::vector<std::size_t> shape;  ///< [channels, height, width] of a feature map, else empty
  nlohmann::json extra = nlohmann::json::object();
};

/// One entry of "repetitions" (also the content of a part's .json marker, without "files").
struct ManifestRepetition {
  std::size_t index = 0;
  std::uint64_t seed = 0;
  std::size_t restarts = 0;                  ///< attempts after the first
  std::vector<std::string> restart_reasons;  ///< one per restart
  std::string status = "ok";                 ///< "ok" or "failed"
  std::string message;                       ///< why it failed
  double wall_seconds = 0.0;
  std::optional<double> final_train_accuracy;
  std::optional<double> final_test_accuracy;
  nlohmann::json extra = nlohmann::json::object();

  bool ok() const { return status == "ok"; }
};

/// {"crc32": "xxxxxxxx", "bytes": N}
struct FileChecksum {
  std::string crc32;
  std::size_t bytes = 0;
  bool operator==(const FileChecksum&) const = default;
};

/// The checksum of a file's content (files.h crc32_hex and its size).
FileChecksum file_checksum(std::string_view content);

/// "checksums"; absent in manifests of old versions (`recorded` false).
struct ManifestChecksums {
  bool recorded = false;
  std::string algorithm = "crc32";
  std::string config;  ///< crc32 of the config record as compact JSON; empty if not recorded
  std::string labels;  ///< crc32 of the labels, one per line; empty if not recorded
  std::map<std::string, FileChecksum> files;  ///< of the result files, once complete
};

/// "shard" of a run started with --shard I/N.
struct ManifestShard {
  std::size_t index = 0;
  std::size_t count = 0;
  bool operator==(const ManifestShard& o) const { return index == o.index && count == o.count; }
};

/// One entry of "merged_from".
struct ManifestSource {
  std::string dir;
  double wall_seconds = 0.0;
  std::optional<ManifestShard> shard;
  std::size_t n_repetitions = 0;
  bool operator==(const ManifestSource&) const = default;
};

struct Manifest {
  std::string status{k_status_running};
  std::string infoplane_version;
  std::string git_commit;
  std::string config_file;
  nlohmann::json config = nlohmann::json::object();  ///< the config record (experiment::Config::to_json)
  ManifestDataset dataset;
  std::vector<ManifestLayer> layers;
  std::vector<ManifestRepetition> repetitions;
  std::optional<ManifestShard> shard;
  std::vector<ManifestSource> merged_from;
  std::size_t threads = 0;
  ManifestChecksums checksums;
  std::string started;               ///< UTC, store::utc_now()
  std::vector<std::string> resumed;  ///< the time of each --resume
  std::string finished;              ///< empty while running
  std::optional<double> wall_seconds;
  nlohmann::json build;         ///< the build that wrote it (experiment/build_info.h); null if not recorded
  nlohmann::json verification;  ///< verify's outcome at the end of the run; null if not recorded
  nlohmann::json extra = nlohmann::json::object();  ///< keys this version does not know

  /// The repetition record with this index, or nullptr.
  const ManifestRepetition* repetition(std::size_t index) const;
};

/// The manifest as JSON, exactly as written to manifest.json.
nlohmann::json to_json(const Manifest& manifest);
nlohmann::json to_json(const ManifestRepetition& repetition);
nlohmann::json to_json(const FileChecksum& checksum);

/// Reads a manifest (or repetition record) from JSON; `where` names it in errors. Throws
/// InputError naming the field and the expected type, e.g. "RUN/manifest.json: dataset.h_y
/// must be a number, got "x"".
Manifest manifest_from_json(const nlohmann::json& json, std::string_view where);
ManifestRepetition repetition_from_json(const nlohmann::json& json, std::string_view where);

/// Reads RUN_DIR/manifest.json; throws InputError naming the file when it is missing, is
/// not a JSON object or holds a field of the wrong type.
Manifest read_manifest(const std::filesystem::path& run_dir);

/// Writes RUN_DIR/manifest.json atomically (files.h), as to_json() gives it, indented.
void write_manifest(const std::filesystem::path& run_dir, const Manifest& manifest);

}  // namespace infoplane::store
