/// @brief The synthetic data set of Shwartz-Ziv & Tishby (2017): 4096 12-bit patterns, binary labels.
#pragma once

#include <filesystem>

#include "infoplane/data/dataset.h"

namespace infoplane::data {

inline constexpr std::size_t k_szt_samples = 4096;
inline constexpr std::size_t k_szt_features = 12;

/// Row i is the integer i in binary, most significant bit first (feature 0 = bit 11), as
/// 0.0 / 1.0; labels read from `labels_file` (4096 lines of 0 or 1, row order).
/// No split is made here.
Dataset load_szt(const std::filesystem::path& labels_file);

}  // namespace infoplane::data
