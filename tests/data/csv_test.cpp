/// @brief Tests of the integer CSV and label file readers: good files, remapping and every error message.
#include "infoplane/data/csv.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "infoplane/common.h"

namespace infoplane::data {
namespace {

namespace fs = std::filesystem;

/// A fresh directory per test; files written into it are removed with it.
class CsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    m_dir = fs::temp_directory_path() /
            ("infoplane_csv_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = m_dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  /// The InputError message of reading `text` as a code CSV (empty if none was thrown).
  std::string csv_error(const std::string& text) {
    const std::string path = write("T.csv", text);
    try {
      read_code_csv(path);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  std::string label_error(const std::string& text) {
    const std::string path = write("y.txt", text);
    try {
      read_label_file(path);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  std::string csv_path() const { return (m_dir / "T.csv").string(); }
  std::string label_path() const { return (m_dir / "y.txt").string(); }

  fs::path m_dir;
};

TEST_F(CsvTest, ReadsRowsAndRemapsGlobally) {
  const CodeTable table = read_code_csv(write("T.csv", "1,2,3\n4,5,6\n1,2,3\n"));
  EXPECT_EQ(table.n_rows, 3U);
  EXPECT_EQ(table.n_cols, 3U);
  EXPECT_EQ(table.codes, (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 0, 1, 2}));
  EXPECT_EQ(table.max_code, 5U);
  EXPECT_EQ(table.view().row(2)[1], 1U);
}

TEST_F(CsvTest, AcceptsWhitespaceCrlfSignsAndTrailingBlankLines) {
  const CodeTable table =
      read_code_csv(write("T.csv", " 7 , -2,+3 \r\n\t-2,7,3\r\n7,-2,3\n\n  \n\r\n"));
  EXPECT_EQ(table.n_rows, 3U);
  EXPECT_EQ(table.n_cols, 3U);
  // Distinct values -2 < 3 < 7 become 0, 1, 2 wherever they are.
  EXPECT_EQ(table.codes, (std::vector<std::uint32_t>{2, 0, 1, 0, 2, 1, 2, 0, 1}));
  EXPECT_EQ(table.max_code, 2U);
  const CodeTable no_newline = read_code_csv(write("T.csv", "5"));
  EXPECT_EQ(no_newline.n_rows, 1U);
  EXPECT_EQ(no_newline.codes, (std::vector<std::uint32_t>{0}));
}

TEST_F(CsvTest, FullInt64RangeKeepsEquality) {
  const CodeTable table = read_code_csv(
      write("T.csv", "9223372036854775807,-9223372036854775808\n0,9223372036854775807\n"));
  EXPECT_EQ(table.codes, (std::vector<std::uint32_t>{2, 0, 1, 2}));
  EXPECT_EQ(table.max_code, 2U);
}

TEST_F(CsvTest, RemapDenseSmallAndLargeRangesAgree) {
  std::mt19937_64 rng(5);
  for (const std::int64_t spread : {std::int64_t{10}, std::int64_t{1} << 40}) {
    std::vector<std::int64_t> values(5000);
    for (auto& v : values) v = static_cast<std::int64_t>(rng() % 50) * spread - 25 * spread;
    std::vector<std::uint32_t> dense;
    EXPECT_EQ(remap_dense(values, dense), 50U);
    for (std::size_t k = 0; k < values.size(); ++k) {
      ASSERT_EQ(dense[k], static_cast<std::uint32_t>(values[k] / spread + 25));
    }
  }
  std::vector<std::uint32_t> dense;
  EXPECT_EQ(remap_dense({}, dense), 0U);
  EXPECT_TRUE(dense.empty());
}

TEST_F(CsvTest, RemapLabelsToDenseClasses) {
  const std::vector<std::int64_t> raw = {-3, 7, -3, 100, 7};
  std::vector<std::uint32_t> dense;
  EXPECT_EQ(remap_labels(raw, dense), 3U);
  EXPECT_EQ(dense, (std::vector<std::uint32_t>{0, 1, 0, 2, 1}));
  const std::vector<std::int64_t> binary = {0, 1, 1, 0};
  EXPECT_EQ(remap_labels(binary, dense), 2U);
  EXPECT_EQ(dense, (std::vector<std::uint32_t>{0, 1, 1, 0}));
}

TEST_F(CsvTest, ReadsLabelFiles) {
  EXPECT_EQ(read_label_file(write("y.txt", "0\n 1 \r\n-4\n\n\n")),
            (std::vector<std::int64_t>{0, 1, -4}));
  EXPECT_EQ(read_label_file(write("y.txt", "3")), (std::vector<std::int64_t>{3}));
  const auto szt = read_label_file(fs::path(INFOPLANE_DATA_DIR) / "szt" / "labels.txt");
  EXPECT_EQ(szt.size(), 4096U);
}

TEST_F(CsvTest, ErrorNonInteger) {
  EXPECT_EQ(csv_error("1,2\n3,4\n5,abc\n"),
            csv_path() + ":3: column 2: expected an integer, got 'abc'");
  EXPECT_EQ(csv_error("1.5,2\n"), csv_path() + ":1: column 1: expected an integer, got '1.5'");
  EXPECT_EQ(csv_error("a,b,c\n1,2,3\n"),
            csv_path() + ":1: column 1: expected an integer, got 'a'");
  EXPECT_EQ(csv_error("1 2,3\n"), csv_path() + ":1: column 1: expected an integer, got '1 2'");
  EXPECT_EQ(csv_error("--1\n"), csv_path() + ":1: column 1: expected an integer, got '--1'");
  EXPECT_EQ(csv_error("+-1\n"), csv_path() + ":1: column 1: expected an integer, got '+-1'");
}

TEST_F(CsvTest, ErrorEmptyField) {
  EXPECT_EQ(csv_error("1,,3\n"), csv_path() + ":1: column 2: expected an integer, got ''");
  EXPECT_EQ(csv_error("1,2,\n"), csv_path() + ":1: column 3: expected an integer, got ''");
}

TEST_F(CsvTest, ErrorOutOfRange) {
  EXPECT_EQ(csv_error("1,99999999999999999999\n"),
            csv_path() + ":1: column 2: expected a 64-bit integer, got '99999999999999999999'");
}

TEST_F(CsvTest, ErrorLongOrBinaryFieldIsShortened) {
  EXPECT_EQ(csv_error(std::string(100, 'x') + "\n"),
            csv_path() + ":1: column 1: expected an integer, got '" + std::string(40, 'x') +
                "...'");
  EXPECT_EQ(csv_error(std::string("1\x01\x02") + "\n"),
            csv_path() + ":1: column 1: expected an integer, got '1?\?'");
}

TEST_F(CsvTest, ErrorRaggedRows) {
  EXPECT_EQ(csv_error("1,2,3\n4,5,6\n7,8\n"),
            csv_path() + ":3: expected 3 columns as on the first row, got 2");
  EXPECT_EQ(csv_error("1\n2,3\n"),
            csv_path() + ":2: expected 1 columns as on the first row, got 2");
}

TEST_F(CsvTest, ErrorBlankLineInside) {
  EXPECT_EQ(csv_error("1,2\n\n \n3,4\n"),
            csv_path() +
                ":2: blank line before the end of the file; expected a row of 2 "
                "comma-separated integers");
  EXPECT_EQ(csv_error("\n1,2\n"),
            csv_path() +
                ":1: blank line before the end of the file; expected a row of "
                "comma-separated integers");
}

TEST_F(CsvTest, ErrorEmptyFile) {
  const std::string expected =
      csv_path() + ": empty file; expected rows of comma-separated integers, one sample per line";
  EXPECT_EQ(csv_error(""), expected);
  EXPECT_EQ(csv_error("\n  \n\r\n"), expected);
}

TEST_F(CsvTest, ErrorMissingFileOrDirectory) {
  const std::string missing = (m_dir / "missing.csv").string();
  try {
    read_code_csv(missing);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), missing + ": cannot open file: No such file or directory");
  }
  try {
    read_label_file(m_dir);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              m_dir.string() + ": cannot read file: it is a directory; expected a file");
  }
}

TEST_F(CsvTest, LabelErrors) {
  EXPECT_EQ(label_error("0\n1 2\n"), label_path() + ":2: expected one integer per line, got '1 2'");
  EXPECT_EQ(label_error("0\n1,0\n"), label_path() + ":2: expected one integer per line, got '1,0'");
  EXPECT_EQ(label_error("0\n1\ncat\n"),
            label_path() + ":3: expected one integer per line, got 'cat'");
  EXPECT_EQ(label_error("1\n-99999999999999999999\n"),
            label_path() + ":2: expected a 64-bit integer, got '-99999999999999999999'");
  EXPECT_EQ(
      label_error("0\n\n1\n"),
      label_path() + ":2: blank line before the end of the file; expected one integer per line");
  EXPECT_EQ(label_error(""), label_path() + ": empty file; expected one integer per line");
  EXPECT_EQ(label_error(" \n"), label_path() + ": empty file; expected one integer per line");
}

}  // namespace
}  // namespace infoplane::data
