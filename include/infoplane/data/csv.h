/// @brief Reading integer code matrices (CSV) and label files written by users.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "infoplane/info/entropy.h"

namespace infoplane::data {

/// A matrix of non-negative codes, row-major: n_rows samples x n_cols codes.
struct CodeTable {
  std::vector<std::uint32_t> codes;  ///< n_rows * n_cols, row i at codes[i * n_cols]
  std::size_t n_rows = 0;
  std::size_t n_cols = 0;
  std::uint32_t max_code = 0;  ///< largest entry of `codes` (0 when empty)

  info::CodeMatrixView view() const { return {codes.data(), n_rows, n_cols}; }
};

/// The UTF-8 byte-order mark that spreadsheet programs put at the start of a CSV export.
inline constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";

/// Reads a whole text file written by a user, without a leading UTF-8 byte-order mark.
/// Throws InputError naming the file when it is missing, a directory or unreadable.
std::string read_text_file(const std::filesystem::path& path);

/// Replaces every value by its rank among the distinct values, in ascending order, so
/// that equal values get equal codes and the codes are exactly 0 .. K-1. Fills `dense`
/// (resized to values.size()) and returns K, the number of distinct values.
std::size_t remap_dense(std::span<const std::int64_t> values, std::vector<std::uint32_t>& dense);

/// Labels of any integer values to classes 0 .. C-1 in ascending order of value (labels
/// 0 and 1 stay 0 and 1); returns C. Same mapping as remap_dense.
std::size_t remap_labels(std::span<const std::int64_t> labels, std::vector<std::uint32_t>& dense);

/// Reads a CSV file of integers: one sample per line, comma-separated signed 64-bit
/// integers, the same number of columns on every line. Spaces and tabs around a field,
/// CRLF line ends and blank lines at the end of the file are allowed; there is no header.
/// The values are remapped globally (over the whole file, not per column) by remap_dense,
/// which keeps equality of rows and so every entropy and mutual information; negative and
/// very large codes are therefore fine, and max_code is the number of distinct values - 1.
/// Throws InputError naming the file, line and column for a missing or empty file, a
/// blank line before the end, a row of another width, or a field that is not an integer.
CodeTable read_code_csv(const std::filesystem::path& path);

/// Reads a label file: one signed 64-bit integer per line, spaces and tabs around it and
/// blank lines at the end allowed. Throws InputError naming the file and line for a
/// missing or empty file, a blank line before the end, or a line that is not one integer.
std::vector<std::int64_t> read_label_file(const std::filesystem::path& path);

}  // namespace infoplane::data
