/// @brief Training batches gathered from pixel bytes equal those gathered from the float
/// features, and a subset keeps the bytes in step with the features.
#include <array>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/data/dataset.h"
#include "infoplane/data/table.h"
#include "infoplane/random.h"

namespace infoplane::data {
namespace {

/// n samples of d byte features scaled by 1/255 (as the IDX loader makes them).
Dataset byte_dataset(std::size_t n, std::size_t d, Rng& rng) {
  Dataset dataset;
  dataset.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
  dataset.x_bytes.resize(n * d);
  dataset.x_byte_scale = 1.0f / 255.0f;
  for (std::size_t i = 0; i < n * d; ++i) {
    dataset.x_bytes[i] = static_cast<std::uint8_t>(rng.uniform() * 256.0);
    dataset.x.data()[i] = static_cast<float>(dataset.x_bytes[i]) * dataset.x_byte_scale;
  }
  for (std::size_t i = 0; i < n; ++i) dataset.y.push_back(static_cast<std::uint32_t>(i % 3));
  dataset.n_classes = 3;
  return dataset;
}

TEST(GatherBatch, FromBytesEqualsFromFloatsBitForBit) {
  Rng rng(5);
  // Features and samples with and without remainders of the 16 x 16 tiles.
  for (const auto [n_data, d, batch] : {std::array<std::size_t, 3>{600, 784, 256}, {300, 37, 45}, {100, 16, 16},
                                        {50, 5, 7}}) {
    const Dataset with_bytes = byte_dataset(n_data, d, rng);
    Dataset floats_only = with_bytes;
    floats_only.x_bytes.clear();
    std::vector<std::uint32_t> rows(batch);
    for (std::uint32_t& r : rows) r = static_cast<std::uint32_t>(rng.uniform() * static_cast<double>(n_data));
    std::vector<float> a(batch * d), b(batch * d);
    std::vector<std::uint32_t> ya(batch), yb(batch);
    gather_batch(with_bytes, rows, a.data(), ya.data());
    gather_batch(floats_only, rows, b.data(), yb.data());
    EXPECT_EQ(a, b) << n_data << " " << d << " " << batch;
    EXPECT_EQ(ya, yb);
    for (std::size_t f = 0; f < d; ++f) {
      ASSERT_EQ(b[f * batch], with_bytes.x(rows[0], static_cast<Eigen::Index>(f)));
    }
  }
}

TEST(GatherBatch, SubsetKeepsTheBytesOfTheKeptRows) {
  Rng rng(6);
  Dataset dataset = byte_dataset(200, 20, rng);
  take_subset(dataset, 50);
  ASSERT_EQ(dataset.x_bytes.size(), static_cast<std::size_t>(dataset.x.size()));
  for (std::size_t i = 0; i < dataset.x_bytes.size(); ++i) {
    ASSERT_EQ(static_cast<float>(dataset.x_bytes[i]) * dataset.x_byte_scale, dataset.x.data()[i]);
  }
}

}  // namespace
}  // namespace infoplane::data
