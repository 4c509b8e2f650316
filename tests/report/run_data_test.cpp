/// @brief report/run_data: a run directory read into dense grids for the figures, and its manifest errors.
#include "infoplane/report/run_data.h"

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
#include "../store/store_testing.h"

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

TEST(ReportRunData, ReadsTheFixtureRun) {
  const fs::path run = fs::path(INFOPLANE_FIXTURES) / "run_small";
  const RunInfo info = read_run_info(run);
  EXPECT_EQ(info.name, "synthetic-szt-tanh");
  EXPECT_EQ(info.dataset, "szt");
  EXPECT_EQ(info.activation, "tanh");
  EXPECT_EQ(info.bits, 8);
  EXPECT_DOUBLE_EQ(info.h_x, 12.0);
  EXPECT_DOUBLE_EQ(info.h_y, 0.9991571);
  ASSERT_EQ(info.layers.size(), 7u);
  EXPECT_EQ(info.layer_label(0), "X");
  EXPECT_EQ(info.layer_label(3), "dense3");
  EXPECT_EQ(info.layer_label(6), "Ŷ");
  EXPECT_EQ(info.layer_label(9), "T9");
  ASSERT_EQ(info.repetitions.size(), 4u);
  EXPECT_LT(info.repetitions[2].final_train_accuracy, 0.55);

  const std::vector<MiSeries> mi = read_mi(run);
  ASSERT_EQ(mi.size(), 2u);
  EXPECT_EQ(mi[0].estimator, "exact");
  EXPECT_EQ(mi[1].estimator, "binning:30");
  EXPECT_EQ(mi[0].repetitions, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(mi[0].layers.size(), 7u);
  ASSERT_EQ(mi[0].epochs.size(), 20u);  // every 2nd of 40 epochs
  EXPECT_EQ(mi[0].epochs.front(), 2);
  EXPECT_EQ(mi[0].epochs.back(), 40);
  for (std::size_t e = 0; e < mi[0].epochs.size(); ++e) {
    EXPECT_DOUBLE_EQ(mi[0].i_xt[mi[0].at(1, 0, e)], 12.0);
    EXPECT_DOUBLE_EQ(mi[0].i_ty[mi[0].at(1, 0, e)], 0.9991571);
  }

  const AccuracySeries acc = read_accuracy(run);
  EXPECT_EQ(acc.epochs.size(), 40u);
  EXPECT_EQ(acc.repetitions.size(), 4u);
  const RangeSeries ranges = read_ranges(run);
  EXPECT_EQ(ranges.layers, (std::vector<int>{1, 2, 3, 4, 5, 6}));
}

TEST(ReportRunData, MissingEpochsAreNaN) {
  const fs::path dir = temp_dir("run_sparse");
  write(dir / "mi.csv",
        "repetition,epoch,layer,estimator,i_xt,i_ty\n0,1,0,exact,12,1\n0,2,0,exact,12,1\n"
        "1,2,0,exact,11,0.5\n");
  const std::vector<MiSeries> mi = read_mi(dir);
  ASSERT_EQ(mi.size(), 1u);
  EXPECT_TRUE(std::isnan(mi[0].i_xt[mi[0].at(1, 0, 0)]));
  EXPECT_DOUBLE_EQ(mi[0].i_xt[mi[0].at(1, 0, 1)], 11.0);
}

TEST(ReportRunData, RejectsDuplicateAndFractionalRows) {
  const fs::path dir = temp_dir("run_dup");
  write(dir / "mi.csv",
        "repetition,epoch,layer,estimator,i_xt,i_ty\n0,1,0,exact,12,1\n0,1,0,exact,12,1\n");
  EXPECT_NE(error_of([&] { read_mi(dir); }).find("mi.csv line 3: duplicate row"),
            std::string::npos);
  write(dir / "mi.csv", "repetition,epoch,layer,estimator,i_xt,i_ty\n0,1.5,0,exact,12,1\n");
  EXPECT_EQ(error_of([&] { read_mi(dir); }),
            "mi.csv line 2: column epoch must be an integer >= 0; got 1.5");
}

TEST(ReportRunData, ManifestErrors) {
  const fs::path dir = temp_dir("run_manifest");
  EXPECT_NE(error_of([&] { read_run_info(dir); }).find("not a run directory (no manifest.json)"),
            std::string::npos);
  write(dir / "manifest.json", "{\"layers\": 3}");
  EXPECT_NE(error_of([&] { read_run_info(dir); }).find("manifest.json: layers must be an array, got 3"),
            std::string::npos);
  write(dir / "manifest.json", "{not json");
  EXPECT_NE(error_of([&] { read_run_info(dir); }).find("not valid JSON"), std::string::npos);
  write(dir / "manifest.json", "{\"dataset\": {\"n_samples\": 70000, \"h_y\": \"x\"}}");
  EXPECT_NE(error_of([&] { read_run_info(dir); }).find("manifest.json: dataset.h_y must be a number, got \"x\""),
            std::string::npos);
  write(dir / "manifest.json", "{\"dataset\": {\"n_samples\": 1024}}");
  const RunInfo info = read_run_info(dir);
  EXPECT_DOUBLE_EQ(info.h_x, 10.0);
  EXPECT_EQ(info.name, dir.filename().string());
}

}  // namespace
}  // namespace infoplane::report
