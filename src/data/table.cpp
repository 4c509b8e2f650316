/// @brief CSV data sets and subsets.
#include "infoplane/data/table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "infoplane/common.h"
#include "infoplane/data/csv.h"

namespace infoplane::data {

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

bool parse_number(std::string_view field, double& value) {
  if (field.empty()) return false;
  if (field.front() == '+') field.remove_prefix(1);
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  return ec == std::errc() && end == field.data() + field.size() && std::isfinite(value);
}

}  // namespace

Dataset load_csv_dataset(const std::filesystem::path& path, long label_column) {
  const std::string name = path.string();
  std::istringstream in(read_text_file(path));
  std::vector<double> values;
  std::size_t n_cols = 0;
  std::size_t n_rows = 0;
  std::string line;
  std::size_t line_no = 0;
  bool first_content = true;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = text.find(',', start);
      fields.push_back(trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    double v = 0;
    if (first_content && !parse_number(fields[0], v)) {
      first_content = false;
      continue;  // header
    }
    first_content = false;
    if (n_cols == 0) {
      n_cols = fields.size();
      if (n_cols < 2) input_error("{}:{}: expected at least 2 columns (features and a label); got 1", name, line_no);
    } else if (fields.size() != n_cols) {
      input_error("{}:{}: expected {} fields like the first row; got {}", name, line_no, n_cols, fields.size());
    }
    for (std::size_t c = 0; c < n_cols; ++c) {
      if (!parse_number(fields[c], v)) {
        input_error("{}:{}: column {} must be a finite number; got '{}'", name, line_no, c + 1, fields[c]);
      }
      if (std::fabs(v) > std::numeric_limits<float>::max()) {  // features are float32
        input_error("{}:{}: column {} does not fit in float32; got '{}', expected a magnitude of at most {}",
                    name, line_no, c + 1, fields[c], std::numeric_limits<float>::max());
      }
      values.push_back(v);
    }
    ++n_rows;
  }
  if (n_rows == 0) input_error("{}: no data rows in the CSV data set", name);
  const long cols = static_cast<long>(n_cols);
  const long label = label_column < 0 ? cols + label_column : label_column;
  if (label < 0 || label >= cols) {
    input_error("{}: label column {} does not exist; the file has {} columns", name, label_column, n_cols);
  }
  const auto lc = static_cast<std::size_t>(label);
  std::map<long long, std::uint32_t> classes;
  for (std::size_t r = 0; r < n_rows; ++r) {
    const double y = values[r * n_cols + lc];
    if (y != std::floor(y) || std::fabs(y) > 9.0e15) {
      input_error("{}: row {}: the label (column {}) must be an integer; got {}", name, r + 1, lc + 1, y);
    }
    classes.emplace(static_cast<long long>(y), 0);
  }
  if (classes.size() < 2) input_error("{}: the label column {} holds one value only; expected at least 2 classes", name, lc + 1);
  std::uint32_t next = 0;
  for (auto& [value, index] : classes) index = next++;

  Dataset dataset;
  dataset.name = path.filename().string();
  dataset.n_classes = classes.size();
  dataset.x.resize(static_cast<Eigen::Index>(n_rows), static_cast<Eigen::Index>(n_cols - 1));
  dataset.y.resize(n_rows);
  for (std::size_t r = 0; r < n_rows; ++r) {
    std::size_t f = 0;
    for (std::size_t c = 0; c < n_cols; ++c) {
      const double v = values[r * n_cols + c];
      if (c == lc) {
        dataset.y[r] = classes.at(static_cast<long long>(v));
      } else {
        dataset.x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(f++)) = static_cast<float>(v);
      }
    }
  }
  return dataset;
}

void take_subset(Dataset& dataset, std::size_t n) {
  const std::size_t total = dataset.n_samples();
  if (n == 0 || n >= total) return;
  std::vector<std::uint32_t> keep;
  std::vector<std::uint32_t> train;
  std::vector<std::uint32_t> test;
  if (dataset.train.empty() && dataset.test.empty()) {
    for (std::size_t i = 0; i < n; ++i) keep.push_back(static_cast<std::uint32_t>(i));
  } else {
    const auto n_train = std::min<std::size_t>(
        dataset.train.size(),
        static_cast<std::size_t>(std::llround(static_cast<double>(n) * static_cast<double>(dataset.train.size()) /
                                              static_cast<double>(total))));
    const std::size_t n_test = std::min(dataset.test.size(), n - n_train);
    keep.assign(dataset.train.begin(), dataset.train.begin() + static_cast<std::ptrdiff_t>(n_train));
    keep.insert(keep.end(), dataset.test.begin(), dataset.test.begin() + static_cast<std::ptrdiff_t>(n_test));
    std::sort(keep.begin(), keep.end());
  }
  // New row index of each kept row.
  std::vector<std::int64_t> index(total, -1);
  for (std::size_t i = 0; i < keep.size(); ++i) index[keep[i]] = static_cast<std::int64_t>(i);
  for (const std::uint32_t r : dataset.train) {
    if (index[r] >= 0) train.push_back(static_cast<std::uint32_t>(index[r]));
  }
  for (const std::uint32_t r : dataset.test) {
    if (index[r] >= 0) test.push_back(static_cast<std::uint32_t>(index[r]));
  }
  FeatureMatrix x(static_cast<Eigen::Index>(keep.size()), dataset.x.cols());
  std::vector<std::uint32_t> y(keep.size());
  for (std::size_t i = 0; i < keep.size(); ++i) {
    x.row(static_cast<Eigen::Index>(i)) = dataset.x.row(keep[i]);
    y[i] = dataset.y[keep[i]];
  }
  if (dataset.x_bytes.size() == static_cast<std::size_t>(dataset.x.size())) {
    const std::size_t d = static_cast<std::size_t>(dataset.x.cols());
    std::vector<std::uint8_t> bytes(keep.size() * d);
    for (std::size_t i = 0; i < keep.size(); ++i) {
      std::copy_n(dataset.x_bytes.data() + static_cast<std::size_t>(keep[i]) * d, d, bytes.data() + i * d);
    }
    dataset.x_bytes = std::move(bytes);
  } else {
    dataset.x_bytes.clear();
  }
  dataset.x = std::move(x);
  dataset.y = std::move(y);
  dataset.train = std::move(train);
  dataset.test = std::move(test);
}

}  // namespace infoplane::data
