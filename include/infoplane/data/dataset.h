/// @brief A labelled data set held in memory, its train/test split, and where shipped data lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace infoplane::data {

using FeatureMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// n samples as rows of `x` (features as float), labels in [0, n_classes).
/// `train` / `test` list row indices; a data set with an official split (MNIST) fills them
/// when loaded, others get them from stratified_split().
struct Dataset {
  std::string name;
  FeatureMatrix x;
  std::vector<std::uint32_t> y;
  std::size_t n_classes = 0;
  std::vector<std::uint32_t> train;
  std::vector<std::uint32_t> test;
  /// {channels, height, width} of image data (features ordered channel, row, column);
  /// empty for data without a spatial layout.
  std::vector<std::size_t> image_shape;
  /// Image data read from bytes (IDX files) also keeps its pixels as bytes, row-major like
  /// `x`, with x = float(byte) * x_byte_scale element for element (the same operation
  /// that made `x`), so that a training batch is gathered from a quarter of the memory.
  /// Empty for other data; used only while its size equals x's.
  std::vector<std::uint8_t> x_bytes;
  float x_byte_scale = 0.0f;

  std::size_t n_samples() const { return y.size(); }
  std::size_t n_features() const { return static_cast<std::size_t>(x.cols()); }
};

/// Stratified split: within each class, round(test_fraction * class size) rows go to the
/// test set, chosen by a shuffle seeded with `seed`; the rest train. Both lists sorted.
void stratified_split(Dataset& dataset, double test_fraction, std::uint64_t seed);

/// The folder of data shipped with infoplane: $INFOPLANE_DATA_DIR if set, else the
/// source tree's data/ folder recorded at build time.
std::filesystem::path data_dir();

/// Copies the samples `rows` into a batch: x_out gets them features x samples (n_features
/// rows of rows.size() values), y_out their labels. Reads the pixel bytes when the data
/// set has them (the same values as reading x).
void gather_batch(const Dataset& dataset, std::span<const std::uint32_t> rows, float* x_out,
                  std::uint32_t* y_out);

/// H(Y) in bits of the data set's labels.
double label_entropy_bits(const Dataset& dataset);

}  // namespace infoplane::data
