/// @brief The rows of a run directory's result files: the writers' format and the readers'
/// round trip, quoting (RFC 4180, "" inside a quoted field) and malformed lines.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "infoplane/store/csv.h"
#include "infoplane/store/rows.h"

namespace infoplane::store {
namespace {

TEST(StoreRows, MiRowsWithQuotedEstimators) {
  const auto row = parse_mi_row("3,20,4,\"binning:30,bounds=fixed\",1.5,nan");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->repetition, 3U);
  EXPECT_EQ(row->epoch, 20U);
  EXPECT_EQ(row->layer, 4U);
  EXPECT_EQ(row->estimator, "binning:30,bounds=fixed");
  EXPECT_EQ(row->i_xt, 1.5);
  EXPECT_TRUE(std::isnan(row->i_ty));
  EXPECT_TRUE(parse_mi_row("0,1,2,exact,12,0.99\r"));
  EXPECT_FALSE(parse_mi_row("0,1,2,exact,12"));
  EXPECT_FALSE(parse_mi_row("0,1,x,exact,12,1"));
  EXPECT_FALSE(parse_mi_row("0,1,2,exact,12,1x"));
  EXPECT_FALSE(parse_mi_row("0,1,70000,exact,12,1"));  // beyond a layer index
  EXPECT_FALSE(parse_mi_row("0,1,2,,12,1"));
  EXPECT_FALSE(parse_mi_row("0,1,2,\"exact,12,1"));
  EXPECT_FALSE(parse_mi_row(""));
}

TEST(StoreRows, TheEscapedQuoteOfTheDialectIsRead) {
  const std::string name = "odd \"name\", with a comma";
  std::string line;
  append_mi_row(line, 1, 2, 3, csv_field(name), 0.25, 0.125);
  EXPECT_EQ(line, "1,2,3,\"odd \"\"name\"\", with a comma\",0.25,0.125\n");
  line.pop_back();
  const auto row = parse_mi_row(line);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->estimator, name);
}

TEST(StoreRows, WritersPrintAsTheRunDirectoryHoldsThemAndReadersReadThemBack) {
  std::string mi, accuracy, range;
  append_mi_row(mi, 0, 3, 0, csv_field("exact"), 12.0, 0.9991571209123);
  EXPECT_EQ(mi, "0,3,0,exact,12,0.9991571209\n");
  append_accuracy_row(accuracy, {2, 7, 0.5, 0.25, 0.693147180559945});
  EXPECT_EQ(accuracy, "2,7,0.500000,0.250000,0.69314718\n");
  append_range_row(range, {2, 7, 4, -0.5f, 0.75f});
  EXPECT_EQ(range, "2,7,4,-0.5,0.75\n");
  const auto a = parse_accuracy_row("2,7,0.500000,0.250000,0.69314718");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->repetition, 2U);
  EXPECT_EQ(a->epoch, 7U);
  EXPECT_EQ(a->test_accuracy, 0.25);
  EXPECT_EQ(a->train_loss, 0.69314718);
  const auto r = parse_range_row("2,7,4,-0.5,0.75");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->layer, 4U);
  EXPECT_EQ(r->min, -0.5);
  EXPECT_FALSE(parse_accuracy_row("2,7,0.5,0.25"));
  EXPECT_FALSE(parse_accuracy_row("-2,7,0.5,0.25,1"));
  EXPECT_FALSE(parse_range_row("2,7.5,4,-0.5,0.75"));
}

}  // namespace
}  // namespace infoplane::store
