/// @brief Reading integer code matrices (CSV) and label files, with errors that name file, line and column.
#include "infoplane/data/csv.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "infoplane/common.h"

namespace infoplane::data {

namespace {

constexpr std::size_t k_max_quoted = 40;  // longest field quoted in an error message

}  // namespace

std::string read_text_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    input_error("{}: cannot read file: it is a directory; expected a file", name);
  }
  std::FILE* file = std::fopen(name.c_str(), "rb");
  if (file == nullptr) {
    input_error("{}: cannot open file: {}", name, std::strerror(errno));
  }
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const std::size_t n_read = std::fread(buffer, 1, sizeof buffer, file);
    text.append(buffer, n_read);
    if (n_read < sizeof buffer) break;
  }
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) input_error("{}: cannot read file: {}", name, std::strerror(error));
  if (text.starts_with(k_utf8_bom)) text.erase(0, k_utf8_bom.size());
  return text;
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// The field as shown in an error message: control characters replaced, long fields cut.
std::string quoted(std::string_view field) {
  std::string out;
  for (const char c : field.substr(0, k_max_quoted)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  if (field.size() > k_max_quoted) out += "...";
  return out;
}

enum class ParseStatus { ok, not_integer, out_of_range };

/// Parses a whole trimmed field as a signed 64-bit integer (an optional '+' or '-' sign,
/// then decimal digits).
ParseStatus parse_int64(std::string_view field, std::int64_t& value) {
  if (field.size() >= 2 && field.front() == '+' && field[1] != '-') field.remove_prefix(1);
  const char* const first = field.data();
  const char* const last = first + field.size();
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec == std::errc::result_out_of_range) return ParseStatus::out_of_range;
  if (ec != std::errc() || end != last) return ParseStatus::not_integer;
  return ParseStatus::ok;
}

/// Calls on_line(line_number, line) for every line that is not blank, and rejects blank
/// lines followed by more content ("expected `expected_row`", read when the error is
/// raised). Line numbers start at 1. Returns the number of non-blank lines.
template <typename OnLine>
std::size_t for_each_line(std::string_view text, const std::string& name,
                          const std::string& expected_row, OnLine&& on_line) {
  std::size_t line_number = 0;
  std::size_t first_blank = 0;  // first blank line of the current run of blank lines
  std::size_t n_lines = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++line_number;
    if (trim(line).empty()) {
      if (first_blank == 0) first_blank = line_number;
      continue;
    }
    if (first_blank != 0) {
      input_error("{}:{}: blank line before the end of the file; expected {}", name,
                  first_blank, expected_row);
    }
    on_line(line_number, line);
    ++n_lines;
  }
  return n_lines;
}

}  // namespace

std::size_t remap_dense(std::span<const std::int64_t> values, std::vector<std::uint32_t>& dense) {
  const std::size_t n = values.size();
  dense.resize(n);
  if (n == 0) return 0;
  const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  const std::int64_t low = *min_it;
  // Unsigned difference: exact even for the full int64 range.
  const std::uint64_t range =
      static_cast<std::uint64_t>(*max_it) - static_cast<std::uint64_t>(low);
  const std::uint64_t table_limit = std::max<std::uint64_t>(4 * std::uint64_t{n}, 1 << 16);
  if (range < table_limit) {
    // Small range: a table from value - low to rank.
    std::vector<std::uint32_t> rank(range + 1, 0);
    for (const std::int64_t v : values) {
      rank[static_cast<std::uint64_t>(v) - static_cast<std::uint64_t>(low)] = 1;
    }
    std::uint32_t n_distinct = 0;
    for (std::uint32_t& r : rank) {
      const std::uint32_t present = r;
      r = n_distinct;
      n_distinct += present;
    }
    for (std::size_t k = 0; k < n; ++k) {
      dense[k] = rank[static_cast<std::uint64_t>(values[k]) - static_cast<std::uint64_t>(low)];
    }
    return n_distinct;
  }
  std::vector<std::int64_t> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  IP_CHECK(sorted.size() <= std::numeric_limits<std::uint32_t>::max(),
           "{} distinct values do not fit 32-bit codes", sorted.size());
  for (std::size_t k = 0; k < n; ++k) {
    dense[k] = static_cast<std::uint32_t>(
        std::lower_bound(sorted.begin(), sorted.end(), values[k]) - sorted.begin());
  }
  return sorted.size();
}

std::size_t remap_labels(std::span<const std::int64_t> labels, std::vector<std::uint32_t>& dense) {
  return remap_dense(labels, dense);
}

CodeTable read_code_csv(const std::filesystem::path& path) {
  const std::string name = path.string();
  const std::string text = read_text_file(path);
  std::vector<std::int64_t> values;
  CodeTable table;
  std::string expected_row = "a row of comma-separated integers";
  const std::size_t n_rows = for_each_line(
      text, name, expected_row, [&](std::size_t line_number, std::string_view line) {
        std::size_t n_fields = 0;
        std::size_t start = 0;
        for (;;) {
          const std::size_t comma = line.find(',', start);
          const std::string_view field = trim(line.substr(start, comma - start));
          ++n_fields;
          std::int64_t value = 0;
          switch (parse_int64(field, value)) {
            case ParseStatus::ok:
              break;
            case ParseStatus::not_integer:
              input_error("{}:{}: column {}: expected an integer, got '{}'", name,
                          line_number, n_fields, quoted(field));
            case ParseStatus::out_of_range:
              input_error("{}:{}: column {}: expected a 64-bit integer, got '{}'", name,
                          line_number, n_fields, quoted(field));
          }
          values.push_back(value);
          if (comma == std::string_view::npos) break;
          start = comma + 1;
        }
        if (table.n_cols == 0) {
          table.n_cols = n_fields;
          expected_row = fmt::format("a row of {} comma-separated integers", n_fields);
        } else if (n_fields != table.n_cols) {
          input_error("{}:{}: expected {} columns as on the first row, got {}", name,
                      line_number, table.n_cols, n_fields);
        }
      });
  if (n_rows == 0) {
    input_error("{}: empty file; expected rows of comma-separated integers, one sample per line",
                name);
  }
  table.n_rows = n_rows;
  const std::size_t n_distinct = remap_dense(values, table.codes);
  table.max_code = static_cast<std::uint32_t>(n_distinct - 1);
  return table;
}

std::vector<std::int64_t> read_label_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  const std::string text = read_text_file(path);
  std::vector<std::int64_t> labels;
  const std::size_t n_lines = for_each_line(
      text, name, "one integer per line", [&](std::size_t line_number, std::string_view line) {
        const std::string_view field = trim(line);
        std::int64_t value = 0;
        switch (parse_int64(field, value)) {
          case ParseStatus::ok:
            break;
          case ParseStatus::not_integer:
            input_error("{}:{}: expected one integer per line, got '{}'", name, line_number,
                        quoted(field));
          case ParseStatus::out_of_range:
            input_error("{}:{}: expected a 64-bit integer, got '{}'", name, line_number,
                        quoted(field));
        }
        labels.push_back(value);
      });
  if (n_lines == 0) input_error("{}: empty file; expected one integer per line", name);
  return labels;
}

}  // namespace infoplane::data
