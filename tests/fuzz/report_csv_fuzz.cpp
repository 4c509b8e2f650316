/// @brief libFuzzer target: infoplane::store::read_csv, the reader of a run directory's CSV files
/// behind `infoplane plot`, `phases` and `compare`, on a file holding the fuzzer's bytes,
/// asked for mi.csv's columns (numbers and the estimator as text). Anything but InputError
/// is a bug, and so is a column of another length than the table's rows.
///
/// Built by the `fuzz` preset and run by scripts/fuzz.sh (docs/long-runs.md).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "infoplane/common.h"
#include "infoplane/store/csv.h"

namespace fs = std::filesystem;
using infoplane::store::CsvColumn;
using infoplane::store::CsvKind;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path path = fs::temp_directory_path() / ("infoplane_report_csv_fuzz_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  static const std::vector<infoplane::store::CsvColumn> columns{{"repetition", infoplane::store::CsvKind::number}, {"epoch", infoplane::store::CsvKind::number},
                                              {"layer", infoplane::store::CsvKind::number},      {"estimator", infoplane::store::CsvKind::text},
                                              {"i_xt", infoplane::store::CsvKind::number},       {"i_ty", infoplane::store::CsvKind::number}};
  try {
    const infoplane::store::CsvTable table = infoplane::store::read_csv(path, columns);
    for (const infoplane::store::CsvColumn& column : columns) {
      if (column.kind == infoplane::store::CsvKind::number) {
        if (table.numbers(column.name).size() != table.n_rows()) std::abort();
      } else {
        if (table.codes(column.name).size() != table.n_rows()) std::abort();
        for (const std::uint32_t code : table.codes(column.name)) {
          if (code >= table.levels(column.name).size()) std::abort();
        }
      }
    }
    for (std::size_t row = 0; row < table.n_rows(); ++row) {
      if (table.line(row) < 2) std::abort();
    }
  } catch (const infoplane::InputError&) {
  }
  return 0;
}
