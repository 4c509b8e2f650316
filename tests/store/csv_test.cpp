/// @brief The CSV dialect of a run directory (store/csv.h): columns, quoting, numbers, errors.
#include "infoplane/store/csv.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "../temp_dirs.h"
#include "store_testing.h"

namespace infoplane::report {
namespace {

namespace fs = std::filesystem;

const infoplane::testing::TempDirs temp_dirs("infoplane_report");

/// A fresh temporary folder per test.
fs::path temp_dir(const std::string& name) {
  const fs::path dir = temp_dirs.make(name);
  return dir;
}

using testing::error_of;
using testing::write;

const store::CsvColumn kColumns[] = {{"epoch"}, {"estimator", store::CsvKind::text}, {"value"}};

TEST(StoreCsv, ReadsNamedColumnsInAnyOrder) {
  const fs::path dir = temp_dir("csv_order");
  write(dir / "t.csv", "value,unused,epoch,estimator\r\n0.5,x,1,exact\r\n-2e-3,y,2,binning:30\r\n"
                       "nan,z,3,exact\r\n\r\n");
  const store::CsvTable t = store::read_csv(dir / "t.csv", kColumns);
  ASSERT_EQ(t.n_rows(), 3u);
  EXPECT_EQ(t.numbers("epoch")[2], 3.0);
  EXPECT_DOUBLE_EQ(t.numbers("value")[0], 0.5);
  EXPECT_DOUBLE_EQ(t.numbers("value")[1], -0.002);
  EXPECT_TRUE(std::isnan(t.numbers("value")[2]));
  EXPECT_EQ(t.levels("estimator"), (std::vector<std::string>{"exact", "binning:30"}));
  EXPECT_EQ(t.codes("estimator")[2], 0u);
  EXPECT_EQ(t.line(2), 4u);
}

TEST(StoreCsv, QuotedFieldsMayHoldCommasAndQuotes) {
  const fs::path dir = temp_dir("csv_quoted");
  write(dir / "t.csv", "epoch,estimator,value\n1,\"binning:30,bounds=fixed\",0.5\n"
                       "2, \"say \"\"hi\"\", twice\" ,0.25\r\n3,\"exact\",1\n");
  const store::CsvTable t = store::read_csv(dir / "t.csv", kColumns);
  ASSERT_EQ(t.n_rows(), 3u);
  EXPECT_EQ(t.levels("estimator"),
            (std::vector<std::string>{"binning:30,bounds=fixed", "say \"hi\", twice", "exact"}));
  EXPECT_DOUBLE_EQ(t.numbers("value")[1], 0.25);
  write(dir / "u.csv", "epoch,estimator,value\n1,\"open,0.5\n");
  EXPECT_EQ(error_of([&] { store::read_csv(dir / "u.csv", kColumns); }),
            "u.csv line 2: unterminated quote; got '1,\"open,0.5'");
}

TEST(StoreCsv, PlainDecimalsParseExactly) {
  const fs::path dir = temp_dir("csv_decimals");
  write(dir / "t.csv", "epoch,estimator,value\n1,a,0.9991571\n2,a,11.9374323\n3,a,123456789012345\n"
                       "4,a,0.1234567890123456789\n5,a,+7\n");
  const store::CsvTable t = store::read_csv(dir / "t.csv", kColumns);
  EXPECT_EQ(t.numbers("value")[0], 0.9991571);
  EXPECT_EQ(t.numbers("value")[1], 11.9374323);
  EXPECT_EQ(t.numbers("value")[2], 123456789012345.0);
  EXPECT_EQ(t.numbers("value")[3], 0.1234567890123456789);
  EXPECT_EQ(t.numbers("value")[4], 7.0);
}

TEST(StoreCsv, MissingColumnNamesFileAndColumn) {
  const fs::path dir = temp_dir("csv_missing");
  write(dir / "mi.csv", "epoch,estimator\n1,exact\n");
  const std::string e = error_of([&] { store::read_csv(dir / "mi.csv", kColumns); });
  EXPECT_NE(e.find("mi.csv: missing column 'value'"), std::string::npos) << e;
  EXPECT_NE(e.find("expected columns epoch,estimator,value"), std::string::npos) << e;
}

TEST(StoreCsv, BadNumberNamesLineAndColumn) {
  const fs::path dir = temp_dir("csv_bad_number");
  write(dir / "mi.csv", "epoch,estimator,value\n1,exact,0.5\n2,exact,abc\n");
  const std::string e = error_of([&] { store::read_csv(dir / "mi.csv", kColumns); });
  EXPECT_EQ(e, "mi.csv line 3, column 3 (value): not a number; got 'abc', expected a number");
}

TEST(StoreCsv, WrongFieldCountAndEmptyFile) {
  const fs::path dir = temp_dir("csv_fields");
  write(dir / "a.csv", "epoch,estimator,value\n1,exact\n");
  EXPECT_NE(error_of([&] { store::read_csv(dir / "a.csv", kColumns); })
                .find("a.csv line 2: 2 fields; got '1,exact', expected 3 fields"),
            std::string::npos);
  write(dir / "b.csv", "");
  EXPECT_NE(error_of([&] { store::read_csv(dir / "b.csv", kColumns); }).find("b.csv: the file is empty"),
            std::string::npos);
  EXPECT_NE(error_of([&] { store::read_csv(dir / "none.csv", kColumns); }).find("none.csv: cannot read the file: No such file"),
            std::string::npos);
}

}  // namespace
}  // namespace infoplane::report
