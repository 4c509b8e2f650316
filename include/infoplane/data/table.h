/// @brief Users' own tabular data sets (CSV: feature columns and a label column) and
/// subsets of any data set.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "infoplane/data/dataset.h"

namespace infoplane::data {

/// Reads a CSV data set: one sample per line, comma-separated numbers, the same number of
/// fields on every line; an optional header line (its first field not a number) is
/// skipped, as are blank lines and lines starting with '#'. Column `label_column` (0-based;
/// a negative value counts from the end, -1 = the last) holds integer labels, remapped to
/// classes 0 .. C-1 in ascending order of value; the other columns are the features, as
/// given. No split is made here. Throws InputError naming the file and line.
Dataset load_csv_dataset(const std::filesystem::path& path, long label_column = -1);

/// Keeps the first `n` samples (0 or >= n_samples: all). A data set with a split keeps its
/// proportions: round(n * n_train / n_samples) of its first training rows and the rest from
/// its first test rows; without a split, the first n rows. Sample order is kept.
void take_subset(Dataset& dataset, std::size_t n);

}  // namespace infoplane::data
