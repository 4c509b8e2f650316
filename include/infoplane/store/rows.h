/// @brief The rows of mi.csv, accuracy.csv and activation_range.csv (and of a repetition's
/// part files, which hold the same rows): one writer and one reader for each, in the CSV
/// dialect of store/csv.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace infoplane::store {

/// repetition,epoch,layer,estimator,i_xt,i_ty (bits; the estimator quoted when it holds a
/// comma; "nan" where an estimator gives no value).
struct MiRecord {
  std::size_t repetition = 0;
  std::uint32_t epoch = 0;
  std::uint16_t layer = 0;
  std::string estimator;  ///< unquoted
  double i_xt = 0.0;
  double i_ty = 0.0;
};

/// repetition,epoch,train_accuracy,test_accuracy,train_loss
struct AccuracyRecord {
  std::size_t repetition = 0;
  std::uint32_t epoch = 0;
  double train_accuracy = 0.0;
  double test_accuracy = 0.0;
  double train_loss = 0.0;
};

/// repetition,epoch,layer,min,max
struct RangeRecord {
  std::size_t repetition = 0;
  std::uint32_t epoch = 0;
  std::uint32_t layer = 0;
  double min = 0.0;
  double max = 0.0;
};

/// Appends one line (with its '\n') as the run directory holds it: MI with 10 significant
/// digits; accuracies with 6 decimals and the loss with 8 significant digits; ranges with 8
/// significant digits. `estimator_field` is the estimator as csv_field() quotes it.
void append_mi_row(std::string& out, std::size_t repetition, std::uint32_t epoch, std::uint16_t layer,
                   std::string_view estimator_field, double i_xt, double i_ty);
void append_accuracy_row(std::string& out, const AccuracyRecord& row);
void append_range_row(std::string& out, const RangeRecord& row);

/// Parses one data line (a final '\r' allowed); nullopt when it is malformed: a wrong
/// number of fields, an index that is not a whole number in range, a value that is not a
/// number ("nan" and "inf" are numbers).
std::optional<MiRecord> parse_mi_row(std::string_view line);
std::optional<AccuracyRecord> parse_accuracy_row(std::string_view line);
std::optional<RangeRecord> parse_range_row(std::string_view line);

}  // namespace infoplane::store
