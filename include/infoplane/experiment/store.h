/// @brief The run directory: per-repetition part files while running, merged CSV files and
/// manifest.json at the end. Every file is written to a temporary name and renamed.
///
/// Layout of RUN_DIR:
///   manifest.json            config, data set, layers, seeds, restarts, versions, wall time
///   mi.csv                   repetition,epoch,layer,estimator,i_xt,i_ty   (bits)
///   accuracy.csv             repetition,epoch,train_accuracy,test_accuracy,train_loss
///   activation_range.csv     repetition,epoch,layer,min,max
///   parts/rep-NNNNNN.*       one finished repetition's rows (kept so that finished work
///                            survives an interrupted run)
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "infoplane/experiment/runner.h"

namespace infoplane::experiment {

inline constexpr std::string_view k_mi_header = "repetition,epoch,layer,estimator,i_xt,i_ty";
inline constexpr std::string_view k_accuracy_header = "repetition,epoch,train_accuracy,test_accuracy,train_loss";
inline constexpr std::string_view k_range_header = "repetition,epoch,layer,min,max";

/// Writes `content` to `path` through a temporary file in the same folder and a rename, so
/// that a reader never sees a half-written file. Throws InputError naming the path on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

/// Reads a whole file; throws InputError naming the path when it cannot.
std::string read_file(const std::filesystem::path& path);

class RunStore {
 public:
  /// Creates RUN_DIR (and parents). Refuses a directory that already holds a run, or a path
  /// that is a file, with an InputError naming it.
  explicit RunStore(std::filesystem::path dir);

  const std::filesystem::path& dir() const { return m_dir; }

  /// Writes one finished repetition's rows and metadata under parts/; `estimator_names`
  /// gives the `estimator` column for MiRow::estimator.
  void write_repetition(const RepetitionResult& result,
                        const std::vector<std::string>& estimator_names) const;

  /// Merges the parts of `indices` (in that order) into mi.csv, accuracy.csv and
  /// activation_range.csv.
  void merge(const std::vector<std::size_t>& indices) const;

  /// Writes manifest.json.
  void write_manifest(const nlohmann::json& manifest) const;

  /// The metadata of one repetition as recorded in the manifest.
  static nlohmann::json repetition_json(const RepetitionResult& result);

 private:
  std::filesystem::path part(std::size_t index, std::string_view suffix) const;
  std::filesystem::path m_dir;
};

}  // namespace infoplane::experiment
