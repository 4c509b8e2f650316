/// @brief The one CSV dialect of a run directory (mi.csv, accuracy.csv, the summaries):
/// splitting a line into fields, numbers, quoting, and a columnar reader of whole files.
///
/// The files are comma-separated with one header line. The caller names the columns it
/// needs; they may appear in any order and other columns are ignored. Number columns are
/// parsed as doubles ("nan" is accepted and means "missing"); text columns (such as the
/// estimator name) are stored as small integer codes into a list of distinct values, so
/// a 3-million-row file costs 4 bytes per text cell. A field may be quoted as in RFC 4180
/// ("binning:30,bounds=fixed"; "" for a quote inside it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace infoplane::store {

/// Splits one line into fields (spaces around a field and a final '\r' dropped). A field
/// may be quoted as in RFC 4180 ("a,b", with "" for a quote inside), as the names of
/// estimators with options are. The unescaped text of a quoted field with "" goes to
/// `scratch` (a deque: views into it stay valid). Returns false on an unterminated quote.
bool split_fields(std::string_view line, std::vector<std::string_view>& fields, std::deque<std::string>& scratch);

/// Parses a whole field as a double: decimals, exponents, "nan", "inf", "-inf" (as the
/// writers print them), a leading '+'. False when it is not a number.
bool parse_number(std::string_view text, double& value);

enum class CsvKind { number, text };

/// One column the caller needs from a CSV file.
struct CsvColumn {
  std::string name;
  CsvKind kind = CsvKind::number;
};

/// The requested columns of a CSV file, column by column, n_rows() values each.
class CsvTable {
 public:
  std::size_t n_rows() const { return m_n_rows; }
  const std::filesystem::path& path() const { return m_path; }
  /// Line number (1-based, in the file) of a data row, for error messages.
  std::size_t line(std::size_t row) const { return m_lines[row]; }

  /// Values of a number column (n_rows). Throws std::logic_error if it was not requested.
  std::span<const double> numbers(std::string_view column) const;
  /// Codes of a text column (n_rows), indices into levels(column).
  std::span<const std::uint32_t> codes(std::string_view column) const;
  /// Distinct values of a text column, in order of first appearance.
  const std::vector<std::string>& levels(std::string_view column) const;

 private:
  friend CsvTable read_csv(const std::filesystem::path&, std::span<const CsvColumn>);
  struct Column {
    CsvColumn spec;
    std::vector<double> numbers;
    std::vector<std::uint32_t> codes;
    std::vector<std::string> levels;
  };
  const Column& column(std::string_view name, CsvKind kind) const;

  std::filesystem::path m_path;
  std::size_t m_n_rows = 0;
  std::vector<std::uint32_t> m_lines;
  std::vector<Column> m_columns;
};

/// Reads the named columns of a CSV file. Throws InputError naming the file, line and
/// column on a missing file or column, a row with the wrong number of fields, or a cell
/// that is not a number, e.g. "mi.csv line 7, column 5 (i_xt): not a number; got 'x'".
CsvTable read_csv(const std::filesystem::path& path, std::span<const CsvColumn> columns);

/// A number cell of the summary CSV files: 9 significant digits, "nan" for NaN.
std::string csv_number(double value);

/// A text cell, quoted as in RFC 4180 when it holds a comma, a quote or a newline
/// (estimator names with options do, e.g. "binning:30,bounds=fixed").
std::string csv_field(const std::string& text);

}  // namespace infoplane::store
