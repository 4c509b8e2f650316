/// @brief libFuzzer target: the readers of users' numeric CSV data, parse_float_csv
/// (`infoplane estimate`) and load_csv_dataset (`dataset = { csv = ... }`, the label in the
/// last column, and in the first), on the fuzzer's bytes. Anything but InputError is a
/// bug, and so is a table of another shape than n_rows x n_cols finite values.
///
/// Built by the `fuzz` preset and run by scripts/fuzz.sh (docs/long-runs.md).
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "infoplane/common.h"
#include "infoplane/data/float_csv.h"
#include "infoplane/data/table.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const infoplane::data::FloatTable table = infoplane::data::parse_float_csv(text, "fuzz.csv");
    if (table.n_rows == 0 || table.values.size() != table.n_rows * table.n_cols) std::abort();
    for (const double v : table.values) {
      if (!std::isfinite(v)) std::abort();
    }
  } catch (const infoplane::InputError&) {
  }

  static const fs::path path = fs::temp_directory_path() / ("infoplane_float_csv_fuzz_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path, std::ios::binary) << text;
  for (const long label_column : {-1L, 0L}) {
    try {
      (void)infoplane::data::load_csv_dataset(path, label_column);
    } catch (const infoplane::InputError&) {
    }
  }
  return 0;
}
