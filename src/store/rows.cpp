/// @brief Writing and parsing the rows of a run directory's result files.
#include "infoplane/store/rows.h"

#include <charconv>
#include <deque>
#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "infoplane/store/csv.h"

namespace infoplane::store {

namespace {

template <typename T>
bool parse_index(std::string_view text, T& value) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

/// The fields of a line, or false when it does not have `n` of them.
bool fields_of(std::string_view line, std::size_t n, std::vector<std::string_view>& fields,
               std::deque<std::string>& scratch) {
  return split_fields(line, fields, scratch) && fields.size() == n;
}

}  // namespace

void append_mi_row(std::string& out, std::size_t repetition, std::uint32_t epoch, std::uint16_t layer,
                   std::string_view estimator_field, double i_xt, double i_ty) {
  fmt::format_to(std::back_inserter(out), "{},{},{},{},{:.10g},{:.10g}\n", repetition, epoch, layer, estimator_field,
                 i_xt, i_ty);
}

void append_accuracy_row(std::string& out, const AccuracyRecord& row) {
  fmt::format_to(std::back_inserter(out), "{},{},{:.6f},{:.6f},{:.8g}\n", row.repetition, row.epoch,
                 row.train_accuracy, row.test_accuracy, row.train_loss);
}

void append_range_row(std::string& out, const RangeRecord& row) {
  fmt::format_to(std::back_inserter(out), "{},{},{},{:.8g},{:.8g}\n", row.repetition, row.epoch, row.layer, row.min,
                 row.max);
}

std::optional<MiRecord> parse_mi_row(std::string_view line) {
  thread_local std::vector<std::string_view> fields;
  thread_local std::deque<std::string> scratch;
  MiRecord row;
  if (!fields_of(line, 6, fields, scratch) || fields[3].empty() || !parse_index(fields[0], row.repetition) ||
      !parse_index(fields[1], row.epoch) || !parse_index(fields[2], row.layer) ||
      !parse_number(fields[4], row.i_xt) || !parse_number(fields[5], row.i_ty)) {
    return std::nullopt;
  }
  row.estimator = std::string(fields[3]);
  return row;
}

std::optional<AccuracyRecord> parse_accuracy_row(std::string_view line) {
  thread_local std::vector<std::string_view> fields;
  thread_local std::deque<std::string> scratch;
  AccuracyRecord row;
  if (!fields_of(line, 5, fields, scratch) || !parse_index(fields[0], row.repetition) ||
      !parse_index(fields[1], row.epoch) || !parse_number(fields[2], row.train_accuracy) ||
      !parse_number(fields[3], row.test_accuracy) || !parse_number(fields[4], row.train_loss)) {
    return std::nullopt;
  }
  return row;
}

std::optional<RangeRecord> parse_range_row(std::string_view line) {
  thread_local std::vector<std::string_view> fields;
  thread_local std::deque<std::string> scratch;
  RangeRecord row;
  if (!fields_of(line, 5, fields, scratch) || !parse_index(fields[0], row.repetition) ||
      !parse_index(fields[1], row.epoch) || !parse_index(fields[2], row.layer) ||
      !parse_number(fields[3], row.min) || !parse_number(fields[4], row.max)) {
    return std::nullopt;
  }
  return row;
}

}  // namespace infoplane::store
