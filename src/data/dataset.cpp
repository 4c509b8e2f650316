/// @brief Stratified split, label entropy and the data folder.
#include "infoplane/data/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

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

namespace {

/// gather_batch from the pixel bytes: each value is float(byte) * scale, as the loader
/// made x.
void gather_bytes(const Dataset& dataset, std::span<const std::uint32_t> rows, float* x_out) {
  const std::size_t n = rows.size();
  const std::size_t d = dataset.n_features();
  const float scale = dataset.x_byte_scale;
  constexpr std::size_t k_tile = 16;
  const std::size_t n_tiled = n - n % k_tile;
  const std::uint8_t* bytes = dataset.x_bytes.data();
  for (std::size_t r0 = 0; r0 < n_tiled; r0 += k_tile) {
    const std::uint8_t* src[k_tile];
    for (std::size_t k = 0; k < k_tile; ++k) src[k] = bytes + static_cast<std::size_t>(rows[r0 + k]) * d;
    std::size_t f0 = 0;
#ifdef __AVX512F__
    // The rows are scattered in memory: the next tile's rows are fetched while this one is
    // transposed.
    const std::size_t r_next = r0 + k_tile < n_tiled ? r0 + k_tile : r0;
    const std::uint8_t* next[k_tile];
    for (std::size_t k = 0; k < k_tile; ++k) next[k] = bytes + static_cast<std::size_t>(rows[r_next + k]) * d;
    // Tiles of 16 samples x 16 features: transposed as bytes (four rounds of interleaving
    // rows i and i + 8, each moving one bit of the column index into the row index), then
    // widened to float and scaled, one cache line per feature.
    const __m512 scale16 = _mm512_set1_ps(scale);
    for (; f0 + k_tile <= d; f0 += k_tile) {
      if (f0 % 64 == 0) {
        for (std::size_t k = 0; k < k_tile; ++k) _mm_prefetch(reinterpret_cast<const char*>(next[k] + f0), _MM_HINT_T0);
      }
      __m128i v[k_tile];
      for (std::size_t k = 0; k < k_tile; ++k) v[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src[k] + f0));
      for (int round = 0; round < 4; ++round) {
        __m128i t[k_tile];
        for (std::size_t i = 0; i < 8; ++i) {
          t[2 * i] = _mm_unpacklo_epi8(v[i], v[i + 8]);
          t[2 * i + 1] = _mm_unpackhi_epi8(v[i], v[i + 8]);
        }
        for (std::size_t i = 0; i < k_tile; ++i) v[i] = t[i];
      }
      for (std::size_t f = 0; f < k_tile; ++f) {
        const __m512 values = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(v[f])), scale16);
        _mm512_storeu_ps(x_out + (f0 + f) * n + r0, values);
      }
    }
    for (std::size_t k = 0; k < k_tile; ++k) _mm_prefetch(reinterpret_cast<const char*>(next[k] + d - 1), _MM_HINT_T0);
#endif
    for (std::size_t f = f0; f < d; ++f) {
      float* out = x_out + f * n + r0;
      for (std::size_t k = 0; k < k_tile; ++k) out[k] = static_cast<float>(src[k][f]) * scale;
    }
  }
  for (std::size_t r = n_tiled; r < n; ++r) {
    const std::uint8_t* src = bytes + static_cast<std::size_t>(rows[r]) * d;
    for (std::size_t f = 0; f < d; ++f) x_out[f * n + r] = static_cast<float>(src[f]) * scale;
  }
}

}  // namespace

void gather_batch(const Dataset& dataset, std::span<const std::uint32_t> rows, float* x_out,
                  std::uint32_t* y_out) {
  const std::size_t n = rows.size();
  const std::size_t d = dataset.n_features();
  for (std::size_t r = 0; r < n; ++r) y_out[r] = dataset.y[rows[r]];
  if (!dataset.x_bytes.empty() && dataset.x_bytes.size() == static_cast<std::size_t>(dataset.x.size())) {
    gather_bytes(dataset, rows, x_out);
    return;
  }
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
