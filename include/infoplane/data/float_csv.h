/// @brief Reader of numeric matrices in CSV (one sample per line, comma-separated floats),
/// for users' own activations and samples given to `infoplane estimate`.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>
#include <vector>

namespace infoplane::data {

/// A row-major matrix of doubles: n_rows lines x n_cols values.
struct FloatTable {
  std::vector<double> values;
  std::size_t n_rows = 0;
  std::size_t n_cols = 0;
};

/// Parses CSV text: fields separated by commas (spaces around them ignored), one row per
/// line (LF or CRLF); empty lines and lines starting with '#' are skipped; a first line
/// whose fields are all non-numeric is a header and skipped. Every row must have the same
/// number of fields and every field must be a finite number. `where` names the source in
/// error messages. Throws InputError ("where:LINE: what; got X, expected Y").
FloatTable parse_float_csv(std::string_view text, std::string_view where);

/// Reads and parses a CSV file; InputError when it cannot be read.
FloatTable read_float_csv(const std::filesystem::path& path);

}  // namespace infoplane::data
