/// @brief Stratified split, label entropy and the data folder.
#include "infoplane/data/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "infoplane/common.h"
#include "infoplane/random.h"

namespace infoplane::data {

void stratified_split(Dataset& dataset, double test_fraction, std::uint64_t seed) {
  IP_CHECK(test_fraction >= 0.0 && test_fraction < 1.0);
  std::vector<std::vector<std::uint32_t>> by_class(dataset.n_classes);
  for (std::size_t i = 0; i < dataset.y.size(); ++i) {
    by_class[dataset.y[i]].push_back(static_cast<std::uint32_t>(i));
  }
  Rng rng(seed, /*stream=*/0x5b1170);
  dataset.train.clear();
  dataset.test.clear();
  for (auto& rows : by_class) {
    rng.shuffle(std::span<std::uint32_t>(rows));
    const auto n_test = static_cast<std::size_t>(std::llround(test_fraction * static_cast<double>(rows.size())));
    dataset.test.insert(dataset.test.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n_test));
    dataset.train.insert(dataset.train.end(), rows.begin() + static_cast<std::ptrdiff_t>(n_test), rows.end());
  }
  std::sort(dataset.train.begin(), dataset.train.end());
  std::sort(dataset.test.begin(), dataset.test.end());
}

std::filesystem::path data_dir() {
  if (const char* env = std::getenv("INFOPLANE_DATA_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return INFOPLANE_DATA_DIR;
}

void gather_batch(const Dataset& dataset, std::span<const std::uint32_t> rows, float* x_out,
                  std::uint32_t* y_out) {
  const std::size_t n = rows.size();
  const std::size_t d = dataset.n_features();
  // Tiles of 16 samples: each source row is read in order and each feature's 16 values
  // fill one cache line of the output, instead of one scattered write per value.
  constexpr std::size_t k_tile = 16;
  const std::size_t n_tiled = n - n % k_tile;
  for (std::size_t r0 = 0; r0 < n_tiled; r0 += k_tile) {
    const float* src[k_tile];
    for (std::size_t k = 0; k < k_tile; ++k) src[k] = dataset.x.data() + static_cast<std::size_t>(rows[r0 + k]) * d;
    for (std::size_t f = 0; f < d; ++f) {
      float* out = x_out + f * n + r0;
      for (std::size_t k = 0; k < k_tile; ++k) out[k] = src[k][f];
    }
  }
  for (std::size_t r = n_tiled; r < n; ++r) {
    const float* src = dataset.x.data() + static_cast<std::size_t>(rows[r]) * d;
    for (std::size_t f = 0; f < d; ++f) x_out[f * n + r] = src[f];
  }
  for (std::size_t r = 0; r < n; ++r) y_out[r] = dataset.y[rows[r]];
}

double label_entropy_bits(const Dataset& dataset) {
  std::vector<std::size_t> counts(dataset.n_classes, 0);
  for (const std::uint32_t label : dataset.y) ++counts[label];
  const double n = static_cast<double>(dataset.y.size());
  double h = 0.0;
  for (const std::size_t c : counts) {
    if (c > 0) h -= static_cast<double>(c) / n * std::log2(static_cast<double>(c) / n);
  }
  return h;
}

}  // namespace infoplane::data
