/// @brief The SZT data set: generated inputs, shipped labels, stratified split.
#include "infoplane/data/szt.h"

#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include "infoplane/common.h"

namespace infoplane::data {
namespace {

Dataset shipped() { return load_szt(data_dir() / "szt" / "labels.txt"); }

TEST(Szt, InputsAreTheBinaryPatternsMostSignificantBitFirst) {
  const Dataset d = shipped();
  ASSERT_EQ(d.n_samples(), 4096U);
  ASSERT_EQ(d.n_features(), 12U);
  EXPECT_EQ(d.x.row(0).sum(), 0.0f);
  EXPECT_EQ(d.x(1, 11), 1.0f);
  EXPECT_EQ(d.x(2048, 0), 1.0f);
  EXPECT_EQ(d.x(2048, 1), 0.0f);
  EXPECT_EQ(d.x.row(4095).sum(), 12.0f);
}

TEST(Szt, LabelsHave2118OnesAndEntropy0_9991571) {
  const Dataset d = shipped();
  EXPECT_EQ(std::count(d.y.begin(), d.y.end(), 1U), 2118);
  EXPECT_NEAR(label_entropy_bits(d), 0.9991571, 1e-7);
}

TEST(Szt, StratifiedSplitKeepsClassProportionsAndIsSeeded) {
  Dataset a = shipped();
  Dataset b = shipped();
  stratified_split(a, 0.2, 1000);
  stratified_split(b, 0.2, 1000);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.train.size(), 3276U);
  EXPECT_EQ(a.test.size(), 820U);
  const auto ones = std::count_if(a.test.begin(), a.test.end(), [&](std::uint32_t r) { return a.y[r] == 1; });
  EXPECT_EQ(ones, 424);  // round(0.2 * 2118)
  std::vector<std::uint32_t> all = a.train;
  all.insert(all.end(), a.test.begin(), a.test.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_EQ(all.size(), 4096U);
  stratified_split(b, 0.2, 1001);
  EXPECT_NE(a.train, b.train);
}

TEST(Szt, BadLabelsFileNamesFileAndLine) {
  const auto path = std::filesystem::temp_directory_path() / "infoplane_bad_labels.txt";
  {
    std::ofstream out(path);
    out << "0\n1\n2\n";
  }
  try {
    load_szt(path);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("infoplane_bad_labels.txt:3: expected a label 0 or 1, got '2'"), std::string::npos) << e.what();
  }
  {
    std::ofstream out(path);
    out << "0\n1\n";
  }
  EXPECT_THROW(load_szt(path), InputError);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace infoplane::data
