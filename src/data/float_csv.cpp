/// @brief CSV reader for matrices of floating-point numbers.
#include "infoplane/data/float_csv.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "infoplane/common.h"
#include "infoplane/data/csv.h"

namespace infoplane::data {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// Parses a whole field as a double; false when it is not a number (finite or not).
bool parse_number(std::string_view field, double& value) {
  const char* first = field.data();
  const char* last = first + field.size();
  if (first != last && *first == '+') {
    ++first;
    if (first != last && *first == '-') return false;  // "+-1"
  }
  if (first == last) return false;
  const auto [ptr, ec] = std::from_chars(first, last, value);
  return ec == std::errc() && ptr == last;
}

void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma == std::string_view::npos ? line.npos
                                                                             : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

}  // namespace

FloatTable parse_float_csv(std::string_view text, std::string_view where, Precision precision) {
  if (text.starts_with(k_utf8_bom)) text.remove_prefix(k_utf8_bom.size());
  const double max_magnitude = precision == Precision::float32 ? double{std::numeric_limits<float>::max()}
                                                                : std::numeric_limits<double>::max();
  FloatTable table;
  std::vector<std::string_view> fields;
  std::size_t line_no = 0;
  bool first_content = true;
  bool have_width = false;
  std::size_t first_blank = 0;  // the first line of the current run of blank lines
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) {
      if (first_blank == 0) first_blank = line_no;
      continue;
    }
    if (first_blank != 0) {
      input_error("{}:{}: blank line before the end of the file; expected {}", where, first_blank,
                  have_width ? fmt::format("a row of {} numbers", table.n_cols) : std::string("a row of numbers"));
    }
    first_blank = 0;
    if (line.front() == '#') continue;
    split_fields(line, fields);
    if (first_content) {
      first_content = false;
      bool any_number = false;
      double v = 0.0;
      for (const std::string_view f : fields) any_number = any_number || parse_number(f, v);
      if (!any_number) continue;  // header line
    }
    if (!have_width) {
      table.n_cols = fields.size();
      have_width = true;
    }
    if (fields.size() != table.n_cols)
      input_error("{}:{}: wrong number of values; got {}, expected {} (as in the first row)",
                  where, line_no, fields.size(), table.n_cols);
    for (std::size_t c = 0; c < fields.size(); ++c) {
      double v = 0.0;
      if (!parse_number(fields[c], v))
        input_error("{}:{}: value {} is not a number; got \"{}\", expected a decimal number",
                    where, line_no, c + 1, fields[c]);
      if (!std::isfinite(v))
        input_error("{}:{}: value {} is not finite; got \"{}\", expected a finite number",
                    where, line_no, c + 1, fields[c]);
      if (std::fabs(v) > max_magnitude)
        input_error("{}:{}: value {} does not fit in float32; got \"{}\", expected a magnitude of at "
                    "most {}",
                    where, line_no, c + 1, fields[c], std::numeric_limits<float>::max());
      table.values.push_back(v);
    }
    ++table.n_rows;
  }
  if (table.n_rows == 0)
    input_error("{}: no data rows; got an empty table, expected at least one line of numbers",
                where);
  return table;
}

FloatTable read_float_csv(const std::filesystem::path& path, Precision precision) {
  return parse_float_csv(read_text_file(path), path.string(), precision);
}

}  // namespace infoplane::data
