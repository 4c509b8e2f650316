/// @brief Generates the SZT inputs and reads the shipped labels.
#include "infoplane/data/szt.h"

#include <fstream>
#include <string>

#include "infoplane/common.h"

namespace infoplane::data {

Dataset load_szt(const std::filesystem::path& labels_file) {
  std::ifstream in(labels_file);
  if (!in) input_error("{}: cannot open the SZT labels file", labels_file.string());
  Dataset dataset;
  dataset.name = "szt";
  dataset.n_classes = 2;
  dataset.y.reserve(k_szt_samples);
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto first = line.find_first_not_of(" \t");
    const auto last = line.find_last_not_of(" \t\r");
    const std::string value = line.substr(first, last - first + 1);
    if (value != "0" && value != "1") {
      input_error("{}:{}: expected a label 0 or 1, got '{}'", labels_file.string(), line_no, value);
    }
    dataset.y.push_back(value == "1" ? 1U : 0U);
  }
  if (dataset.y.size() != k_szt_samples) {
    input_error("{}: expected {} labels (one per line), got {}", labels_file.string(),
                k_szt_samples, dataset.y.size());
  }
  dataset.x.resize(static_cast<Eigen::Index>(k_szt_samples), static_cast<Eigen::Index>(k_szt_features));
  for (std::size_t i = 0; i < k_szt_samples; ++i) {
    for (std::size_t f = 0; f < k_szt_features; ++f) {
      const std::size_t bit = k_szt_features - 1 - f;
      dataset.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(f)) = ((i >> bit) & 1U) ? 1.0f : 0.0f;
    }
  }
  return dataset;
}

}  // namespace infoplane::data
