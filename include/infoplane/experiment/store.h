/// @brief The run directory: per-repetition part files while running, merged CSV files and
/// manifest.json at the end. Every file is written to a temporary name and renamed.
/// The layout of RUN_DIR is that of store/layout.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "infoplane/experiment/runner.h"
#include "infoplane/store/files.h"
#include "infoplane/store/layout.h"
#include "infoplane/store/manifest.h"

namespace infoplane::experiment {

class RunLock;


/// The checksum recorded for a config: crc32_hex of its compact JSON (`json.dump()`).
std::string config_checksum(const nlohmann::json& config);

/// The checksum recorded for a data set's labels: crc32_hex of the labels as decimal text,
/// one per line.
std::string labels_checksum(const std::vector<std::uint32_t>& labels);

/// A config record without the keys that cannot change results (experiment.threads):
/// what must be equal for a run to be resumed or for run directories to be merged.
nlohmann::json result_config(const nlohmann::json& config);

/// The first difference between two JSON values, as "path: A vs B" (e.g.
/// "training.epochs: 12 vs 20"), or empty when they are equal.
std::string json_difference(const nlohmann::json& a, const nlohmann::json& b);


/// The state of one repetition's part files.
struct PartCheck {
  bool complete = false;  ///< the .json marker exists and every checksum in it matches
  std::string problem;    ///< when the marker exists but a part is missing or corrupt
  store::ManifestRepetition meta;  ///< the marker's record (as in the manifest)
};

/// Checks the part files of repetition `index` in `run_dir`. Never throws for missing or
/// corrupt files: they are reported in the result.
PartCheck check_part(const std::filesystem::path& run_dir, std::size_t index);


/// The temporary files (NAME.tmp-PID) in RUN_DIR, parts/ and activations/, sorted: what a
/// killed writer leaves. A new or resumed RunStore removes them; verify reports them.
std::vector<std::filesystem::path> stray_temporary_files(const std::filesystem::path& run_dir);

enum class StoreMode {
  create,  ///< a new run: the directory must not hold one
  resume,  ///< continue the run the directory holds
  merge,   ///< a merge's output: a new directory, or one that holds an interrupted merge
};


class RunStore {
 public:
  /// Opens RUN_DIR for writing and takes its lock (lock.h) for the lifetime of the store.
  /// create: creates the directory (and parents); refuses a path that is a file or a
  /// directory that already holds a run. merge: as create, but a directory whose manifest
  /// has status k_status_merging is accepted (its merge is finished).
  /// resume: the directory must hold manifest.json.
  /// Either way, temporary files a killed process left behind are removed. Throws InputError naming the
  /// directory (and the other process, when one holds the lock).
  explicit RunStore(std::filesystem::path dir, StoreMode mode = StoreMode::create);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::filesystem::path& dir() const { return m_dir; }

  /// "pid N on host H" of a dead process whose lock file was taken over, else empty.
  const std::string& stale_lock_holder() const;

  /// Writes one finished repetition's rows and metadata under parts/; `estimator_names`
  /// gives the `estimator` column for MiRow::estimator.
  void write_repetition(const RepetitionResult& result,
                        const std::vector<std::string>& estimator_names) const;

  /// Writes a finished repetition's stored layer values (RepetitionResult::activations), one
  /// file per layer, activations_path(): a row per epoch and sample, `labels` giving each
  /// sample's class (the data set's y). Nothing is written for a failed repetition. Call it
  /// before write_repetition, whose marker then vouches for these files too.
  void write_activations(const RepetitionResult& result, const std::vector<std::uint32_t>& labels) const;

  /// Reads back a complete repetition's rows and metadata from its part files (what
  /// write_repetition wrote, numbers as printed); `estimator_names` maps the estimator
  /// column back to MiRow::estimator. Throws InputError on unreadable or malformed parts.
  RepetitionResult read_repetition(std::size_t index, const std::vector<std::string>& estimator_names) const;

  /// Copies the part files of a complete repetition from another run directory (and its
  /// activations files, if any), the .json marker last.
  void copy_repetition(const std::filesystem::path& from_dir, std::size_t index) const;

  /// Merges the parts of `indices` (in that order) into mi.csv, accuracy.csv and
  /// activation_range.csv. Returns their checksums by file name.
  std::map<std::string, store::FileChecksum> merge(const std::vector<std::size_t>& indices) const;

 private:
  std::filesystem::path m_dir;
  std::unique_ptr<RunLock> m_lock;
};

/// The manifest's record of a finished repetition (also its part's .json marker).
store::ManifestRepetition repetition_record(const RepetitionResult& result);

}  // namespace infoplane::experiment
