/// @brief libFuzzer target: the readers of users' integer data, read_code_csv (`infoplane
/// mi --codes`) and read_label_file (`--labels`), on a file holding the fuzzer's bytes.
/// Anything but InputError is a bug, and so is a table whose codes break the documented
/// shape (n_rows x n_cols codes, dense from 0 to max_code).
///
/// Built by the `fuzz` preset and run by scripts/fuzz.sh (docs/long-runs.md).
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "infoplane/common.h"
#include "infoplane/data/csv.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path path = fs::temp_directory_path() / ("infoplane_csv_fuzz_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    const infoplane::data::CodeTable table = infoplane::data::read_code_csv(path);
    if (table.n_rows == 0 || table.n_cols == 0 || table.codes.size() != table.n_rows * table.n_cols) std::abort();
    if (*std::max_element(table.codes.begin(), table.codes.end()) != table.max_code) std::abort();
  } catch (const infoplane::InputError&) {
  }
  try {
    const std::vector<std::int64_t> labels = infoplane::data::read_label_file(path);
    if (labels.empty()) std::abort();
  } catch (const infoplane::InputError&) {
  }
  return 0;
}
