/// @brief Tests of `infoplane mi`: JSON keys and values, the table, and exit 2 with one-line errors.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace infoplane {
namespace {

using testing::run_cli;

const std::string k_dir = std::string(INFOPLANE_FIXTURES) + "/mi/";

// tests/fixtures/mi/codes.csv + labels.txt: 8 rows, 4 states of 2 rows each; class 3 holds
// states A, A, C and class 7 holds B, B, C, D, D.
const double k_h_t = 2.0;
const double k_h_y = -(3.0 / 8) * std::log2(3.0 / 8) - (5.0 / 8) * std::log2(5.0 / 8);
const double k_i_ty = k_h_t - (3.0 / 8) * (std::log2(3.0) - 2.0 / 3) -
                      (5.0 / 8) * (std::log2(5.0) - 4.0 / 5);

std::set<std::string> keys(const nlohmann::json& object) {
  std::set<std::string> out;
  for (const auto& item : object.items()) out.insert(item.key());
  return out;
}

/// stderr of a failed run is exactly one line.
void expect_one_line_error(const testing::CliResult& result, const std::string& needle) {
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_NE(result.err.find(needle), std::string::npos) << result.err;
  ASSERT_FALSE(result.err.empty());
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
}

TEST(MiCliTest, JsonWithLabels) {
  const auto result =
      run_cli("mi --codes " + k_dir + "codes.csv --labels " + k_dir + "labels.txt --json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const nlohmann::json out = nlohmann::json::parse(result.out);
  EXPECT_EQ(keys(out), (std::set<std::string>{"n", "states", "h_t", "h_y", "i_ty"}));
  EXPECT_EQ(out["n"].get<int>(), 8);
  EXPECT_EQ(out["states"].get<int>(), 4);
  EXPECT_EQ(out["h_t"].get<double>(), k_h_t);
  EXPECT_NEAR(out["h_y"].get<double>(), k_h_y, 1e-12);
  EXPECT_NEAR(out["i_ty"].get<double>(), k_i_ty, 1e-12);
  // Exactly one JSON object, on one line.
  EXPECT_EQ(result.out.find('\n'), result.out.size() - 1);
}

TEST(MiCliTest, ByteOrderMarkOfSpreadsheetExportsIsRead) {
  const auto plain = run_cli("mi --codes " + k_dir + "codes.csv --labels " + k_dir + "labels.txt --json");
  const auto bom = run_cli("mi --codes " + k_dir + "codes_bom.csv --labels " + k_dir + "labels_bom.txt --json");
  ASSERT_EQ(bom.exit_code, 0) << bom.err;
  EXPECT_EQ(bom.out, plain.out);
}

TEST(MiCliTest, JsonWithoutLabels) {
  const auto result = run_cli("mi --json --codes " + k_dir + "codes.csv");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const nlohmann::json out = nlohmann::json::parse(result.out);
  EXPECT_EQ(keys(out), (std::set<std::string>{"n", "states", "h_t"}));
  EXPECT_EQ(out["h_t"].get<double>(), k_h_t);
}

TEST(MiCliTest, SztLabelsAsCodes) {
  // The SZT labels as a one-column layer: H(T) = H(Y) = I(T;Y) = 0.9991571 bits.
  const std::string labels = std::string(INFOPLANE_DATA_DIR) + "/szt/labels.txt";
  const auto result = run_cli("mi --codes " + labels + " --labels " + labels + " --json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const nlohmann::json out = nlohmann::json::parse(result.out);
  EXPECT_EQ(out["n"].get<int>(), 4096);
  EXPECT_EQ(out["states"].get<int>(), 2);
  EXPECT_NEAR(out["h_t"].get<double>(), 0.9991571, 1e-7);
  EXPECT_NEAR(out["i_ty"].get<double>(), out["h_y"].get<double>(), 1e-12);
}

TEST(MiCliTest, ReadableTable) {
  const auto result = run_cli("mi --codes " + k_dir + "codes.csv --labels " + k_dir + "labels.txt");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("samples   8\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("states    4\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("H(T)      2.0000000 bits\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("classes   2\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("I(T;Y)    0.7044"), std::string::npos) << result.out;
}

TEST(MiCliTest, MismatchedRowCountsExit2) {
  const auto result =
      run_cli("mi --codes " + k_dir + "codes.csv --labels " + k_dir + "labels_short.txt");
  expect_one_line_error(result, k_dir + "labels_short.txt: 7 labels for the 8 rows of " + k_dir +
                                    "codes.csv; expected one label per row");
}

TEST(MiCliTest, NonIntegerExit2) {
  const auto result = run_cli("mi --json --codes " + k_dir + "bad_codes.csv");
  expect_one_line_error(result,
                        k_dir + "bad_codes.csv:3: column 2: expected an integer, got 'x'");
  const auto labels = run_cli("mi --codes " + k_dir + "codes.csv --labels " + k_dir + "codes.csv");
  expect_one_line_error(labels, k_dir + "codes.csv:1: expected one integer per line, got '-1,-1'");
}

TEST(MiCliTest, EmptyFileExit2) {
  const auto result = run_cli("mi --codes " + k_dir + "empty.csv");
  expect_one_line_error(result, k_dir + "empty.csv: empty file; expected rows");
  const auto labels = run_cli("mi --codes " + k_dir + "codes.csv --labels " + k_dir + "empty.csv");
  expect_one_line_error(labels, k_dir + "empty.csv: empty file; expected one integer per line");
}

TEST(MiCliTest, MissingFileExit2) {
  const auto result = run_cli("mi --codes " + k_dir + "no_such_file.csv");
  expect_one_line_error(result,
                        k_dir + "no_such_file.csv: cannot open file: No such file or directory");
}

TEST(MiCliTest, MissingCodesOptionExit2) {
  const auto result = run_cli("mi --json");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--codes"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace infoplane
