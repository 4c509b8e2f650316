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

/// The precision the values are used in: a value that does not fit is an input error,
/// never a silent infinity.
enum class Precision { float64, float32 };

/// Parses CSV text: fields separated by commas (spaces around them ignored), one row per
/// line (LF or CRLF); a leading UTF-8 byte-order mark is dropped; lines starting with '#'
/// are skipped, blank lines only at the end (as in the code files of csv.h); a first line
/// whose fields are all non-numeric is a header and skipped. Every row must have the same
/// number of fields and every field must be a finite number that fits `precision`.
/// `where` names the source in error messages. Throws InputError ("where:LINE: value C
/// ...; got X, expected Y", C counting columns from 1).
FloatTable parse_float_csv(std::string_view text, std::string_view where,
                           Precision precision = Precision::float64);

/// Reads and parses a CSV file; InputError when it cannot be read.
FloatTable read_float_csv(const std::filesystem::path& path, Precision precision = Precision::float64);

}  // namespace infoplane::data
