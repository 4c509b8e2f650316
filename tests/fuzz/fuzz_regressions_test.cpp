/// @brief Inputs that the fuzz targets (tests/fuzz/*_fuzz.cpp) or their review found to
/// break a reader, kept in tests/fuzz/regressions/: each must now give a one-line
/// InputError (or, where the input is valid, a result) in the normal build.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "infoplane/data/float_csv.h"
#include "infoplane/experiment/config.h"
#include "infoplane/experiment/verify.h"
#include "infoplane/store/csv.h"
#include "../temp_dirs.h"

namespace infoplane {
namespace {

namespace fs = std::filesystem;

fs::path regression(const std::string& name) {
  return fs::path(INFOPLANE_FIXTURES) / ".." / "fuzz" / "regressions" / name;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A run directory made of a verify_fuzz input: manifest.json, mi.csv, accuracy.csv,
/// activation_range.csv and parts/rep-000000.json, separated by NUL bytes, as the target
/// makes it.
fs::path run_dir_of(const testing::TempDirs& dirs, const std::string& name) {
  const fs::path dir = dirs.make(name);
  fs::create_directories(dir / "parts");
  const std::string input = slurp(regression(name));
  std::size_t start = 0;
  for (const char* file : {"manifest.json", "mi.csv", "accuracy.csv", "activation_range.csv", "parts/rep-000000.json"}) {
    if (start > input.size()) break;
    std::size_t end = input.find('\0', start);
    if (end == std::string::npos) end = input.size();
    std::ofstream(dir / file, std::ios::binary) << input.substr(start, end - start);
    start = end + 1;
  }
  return dir;
}

/// The InputError message of parsing a regression input as a config ("" when none).
std::string config_error(const std::string& name) {
  try {
    experiment::parse_config(slurp(regression(name)), name);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

/// The InputError message of reading a regression input with mi.csv's columns.
std::string report_csv_error(const std::string& name) {
  const std::vector<store::CsvColumn> columns{{"repetition", store::CsvKind::number},
                                               {"estimator", store::CsvKind::text},
                                               {"i_xt", store::CsvKind::number},
                                               {"i_ty", store::CsvKind::number}};
  try {
    store::read_csv(regression(name), columns);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// A checksum's "bytes" that does not fit an int (1e300) was converted to one for the
// message (undefined behaviour); the manifest reader now names the field and its value.
TEST(FuzzRegressions, VerifyReportsARecordedSizeThatIsNoInteger) {
  const testing::TempDirs dirs("infoplane_fuzz_regressions");
  const experiment::VerifyReport report =
      experiment::verify_run(run_dir_of(dirs, "verify-recorded-bytes-not-an-int.bin"));
  bool found = false;
  for (const auto& v : report.violations) {
    if (v.what.find("checksums.files.mi.csv.bytes must be a whole number >= 0, got 1e+300") != std::string::npos) found = true;
  }
  EXPECT_TRUE(found);
}

// toml++ 3.3.0 (Debian 12) asserts that a table header's key starts with a key character
// and goes on without the check in its release build: the config is rejected.
TEST(FuzzRegressions, ConfigTableHeaderStartingWithABackquoteIsAParseError) {
  const std::string error = config_error("config-table-header-backquote.toml");
  EXPECT_NE(error.find("config-table-header-backquote.toml"), std::string::npos) << error;
  EXPECT_NE(error.find("'`'"), std::string::npos) << error;
}

// toml++ 3.3.0 reaches __builtin_unreachable() when it tests a character of U+00A1 ..
// U+0499 after a key for whitespace; the library infoplane links reports a parse error.
TEST(FuzzRegressions, ConfigNonAsciiCharacterAfterAKeyIsAParseError) {
  const std::string error = config_error("config-non-ascii-after-key.toml");
  EXPECT_NE(error.find("config-non-ascii-after-key.toml"), std::string::npos) << error;
  EXPECT_NE(error.find("expected '='"), std::string::npos) << error;
}

// A number too large for a double followed by other characters was read as infinity.
TEST(FuzzRegressions, ReportCsvRejectsAnOutOfRangeNumberWithASuffix) {
  const std::string error = report_csv_error("report-csv-number-with-suffix.csv");
  EXPECT_NE(error.find("line 2, column 5 (i_xt): not a number; got '1e999x'"), std::string::npos) << error;
}

// "+-1" was read as -1.
TEST(FuzzRegressions, ReportCsvRejectsPlusMinus) {
  const std::string error = report_csv_error("report-csv-plus-minus.csv");
  EXPECT_NE(error.find("line 2, column 5 (i_xt): not a number; got '+-1'"), std::string::npos) << error;
}

TEST(FuzzRegressions, ReportCsvStillReadsSignsAndHugeNumbers) {
  const fs::path path = fs::temp_directory_path() / ("infoplane_fuzz_regressions_" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path, std::ios::binary) << "repetition,estimator,i_xt,i_ty\n+1,exact,-2.5,1e999\n0,exact,+3e-400,nan\n";
  const store::CsvTable table = store::read_csv(
      path, std::vector<store::CsvColumn>{{"repetition", store::CsvKind::number}, {"i_xt", store::CsvKind::number},
                                           {"i_ty", store::CsvKind::number}});
  fs::remove(path);
  ASSERT_EQ(table.n_rows(), 2u);
  EXPECT_EQ(table.numbers("repetition")[0], 1.0);
  EXPECT_EQ(table.numbers("i_xt")[0], -2.5);
  EXPECT_TRUE(std::isinf(table.numbers("i_ty")[0]));
  EXPECT_EQ(table.numbers("i_xt")[1], 0.0);
  EXPECT_TRUE(std::isnan(table.numbers("i_ty")[1]));
}

// "+-1" was read as -1.
TEST(FuzzRegressions, FloatCsvRejectsPlusMinus) {
  const fs::path path = regression("float-csv-plus-minus.csv");
  try {
    data::parse_float_csv(slurp(path), "float-csv-plus-minus.csv");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("float-csv-plus-minus.csv:2: value 2 is not a number; got \"+-1\""),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(data::parse_float_csv("u\n+1.5\n", "plus.csv").values, std::vector<double>{1.5});
}

}  // namespace
}  // namespace infoplane
