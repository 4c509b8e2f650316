/// @brief The layout of a run directory: its file names, the paths of a repetition's part
/// and activations files, and the header lines of the result files.
///
/// RUN_DIR/
///   manifest.json            config, data set, layers, seeds, restarts, versions, wall time,
///                            checksums (CRC-32) of the config, the labels and each result file
///   mi.csv                   repetition,epoch,layer,estimator,i_xt,i_ty   (bits)
///   accuracy.csv             repetition,epoch,train_accuracy,test_accuracy,train_loss
///   activation_range.csv     repetition,epoch,layer,min,max
///   parts/rep-NNNNNN.*       one finished repetition's rows (kept so that finished work
///                            survives an interrupted run); rep-NNNNNN.json, written last,
///                            marks it complete and holds the checksums of the other three
///   activations/rep-NNNNNN.layer-L.csv
///                            with [experiment].store_activations: a finished repetition's
///                            layer L values before quantization at the chosen epochs,
///                            epoch,sample,label,v0,v1,... (written before its part marker)
///   lock                     while a process writes the directory: "PID HOST"
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace infoplane::store {

inline constexpr std::string_view k_manifest_file = "manifest.json";
inline constexpr std::string_view k_mi_file = "mi.csv";
inline constexpr std::string_view k_accuracy_file = "accuracy.csv";
inline constexpr std::string_view k_range_file = "activation_range.csv";
inline constexpr std::string_view k_lock_file = "lock";

inline constexpr std::string_view k_mi_header = "repetition,epoch,layer,estimator,i_xt,i_ty";
inline constexpr std::string_view k_accuracy_header = "repetition,epoch,train_accuracy,test_accuracy,train_loss";
inline constexpr std::string_view k_range_header = "repetition,epoch,layer,min,max";

/// The merged result files of a run directory, in the order they are written.
inline constexpr std::string_view k_result_files[] = {k_mi_file, k_accuracy_file, k_range_file};
/// The suffixes of a repetition's part files (the .json marker comes last).
inline constexpr std::string_view k_part_suffixes[] = {"mi.csv", "accuracy.csv", "range.csv"};

/// RUN_DIR/parts/rep-NNNNNN.SUFFIX
std::filesystem::path part_path(const std::filesystem::path& run_dir, std::size_t index, std::string_view suffix);

/// RUN_DIR/activations/rep-NNNNNN.layer-L.csv
std::filesystem::path activations_path(const std::filesystem::path& run_dir, std::size_t index, std::size_t layer);

/// The header of an activations file of a layer of `width` units: epoch,sample,label,v0,...
std::string activations_header(std::size_t width);

}  // namespace infoplane::store
