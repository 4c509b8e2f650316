/// @brief MNIST and any data set in its IDX layout (e.g. Fashion-MNIST): the official
/// train/test split, pixels scaled to [0, 1].
#pragma once

#include <filesystem>
#include <string>

#include "infoplane/data/dataset.h"

namespace infoplane::data {

inline constexpr std::size_t k_mnist_train = 60000;
inline constexpr std::size_t k_mnist_test = 10000;

/// Reads the four IDX files of `dir`: train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each with or without ".gz" (the gzip
/// name is tried first). The training images come first (rows 0 .. n_train - 1, listed in
/// `train`), then the test images (`test`). Pixels become x = value / 255 as float, one row
/// per image (row-major pixels; a 3-dimensional image file gives 1 channel). Labels are
/// taken as classes 0 .. max label. Throws InputError naming the file for a missing or bad
/// file, image and label counts that differ, or train and test images of different shapes.
Dataset load_idx_dataset(const std::filesystem::path& dir, const std::string& name);

/// MNIST as shipped in data_dir()/mnist: 60000 + 10000 images of 28 x 28, 10 classes.
Dataset load_mnist();

}  // namespace infoplane::data
