/// @brief Statistics over repetitions against hand-computed values.
#include "infoplane/report/aggregate.h"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace infoplane::report {
namespace {

constexpr double kNaN = kMissing;

TEST(Aggregate, StudentTQuantilesMatchTables) {
  EXPECT_DOUBLE_EQ(student_t_975(1), 12.706204736);
  EXPECT_DOUBLE_EQ(student_t_975(2), 4.302652730);
  EXPECT_DOUBLE_EQ(student_t_975(30), 2.042272456);
  // Beyond the table: the Cornish-Fisher expansion
  EXPECT_NEAR(student_t_975(31), 2.039513446, 1e-7);
  EXPECT_NEAR(student_t_975(49), 2.009575237, 1e-7);
  EXPECT_NEAR(student_t_975(100), 1.983971519, 1e-7);
  EXPECT_NEAR(student_t_975(1000), 1.962339081, 1e-7);
}

TEST(Aggregate, MomentsOfASample) {
  const std::vector<double> v = {1, 2, 3, 4};
  const Moments m = moments(v);
  EXPECT_EQ(m.n, 4u);
  EXPECT_DOUBLE_EQ(m.mean, 2.5);
  // sample variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3
  EXPECT_NEAR(m.std, 1.2909944487358056, 1e-15);
  // t_{0.975,3} * s / sqrt(4)
  EXPECT_NEAR(m.ci95, 2.0542602565773884, 1e-12);
}

TEST(Aggregate, MomentsSkipMissingValues) {
  const std::vector<double> v = {2, kNaN, 4};
  const Moments m = moments(v);
  EXPECT_EQ(m.n, 2u);
  EXPECT_DOUBLE_EQ(m.mean, 3.0);
  EXPECT_NEAR(m.std, std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(m.ci95, 12.706204736, 1e-12);  // t_{0.975,1} * sqrt(2) / sqrt(2)
}

TEST(Aggregate, MomentsOfOneOrNoValue) {
  const std::vector<double> one = {7.5};
  const Moments m1 = moments(one);
  EXPECT_EQ(m1.n, 1u);
  EXPECT_DOUBLE_EQ(m1.mean, 7.5);
  EXPECT_TRUE(std::isnan(m1.std));
  EXPECT_TRUE(std::isnan(m1.ci95));
  const std::vector<double> none = {kNaN, kNaN};
  const Moments m0 = moments(none);
  EXPECT_EQ(m0.n, 0u);
  EXPECT_TRUE(std::isnan(m0.mean));
}

TEST(Aggregate, ColumnMomentsOverChosenRows) {
  // 3 repetitions x 2 points
  const std::vector<double> values = {1, 10,   //
                                      2, kNaN, //
                                      3, 30};
  const std::vector<std::size_t> all = {0, 1, 2};
  const std::vector<Moments> m = column_moments(values, 2, all);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].n, 3u);
  EXPECT_DOUBLE_EQ(m[0].mean, 2.0);
  EXPECT_DOUBLE_EQ(m[0].std, 1.0);
  EXPECT_NEAR(m[0].ci95, 4.302652730 / std::sqrt(3.0), 1e-12);
  EXPECT_EQ(m[1].n, 2u);
  EXPECT_DOUBLE_EQ(m[1].mean, 20.0);
  EXPECT_NEAR(m[1].std, std::sqrt(200.0), 1e-12);
  EXPECT_NEAR(m[1].ci95, 127.06204736, 1e-9);

  const std::vector<std::size_t> some = {0, 2};
  const std::vector<Moments> k = column_moments(values, 2, some);
  EXPECT_DOUBLE_EQ(k[0].mean, 2.0);
  EXPECT_NEAR(k[0].std, std::sqrt(2.0), 1e-15);
}

TEST(Aggregate, SquaredDistancesSkipMissingPoints) {
  const std::vector<double> values = {1, 2, 3,  //
                                      3, 2, kNaN};
  const std::vector<double> center = {2, 2, 2};
  const std::vector<std::size_t> rows = {0, 1};
  const std::vector<double> d = squared_distances(values, 3, rows, center);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_DOUBLE_EQ(d[0], 2.0);
  EXPECT_DOUBLE_EQ(d[1], 1.0);
}

TEST(Aggregate, MedianDeviatingIsTheLowerMedian) {
  EXPECT_EQ(median_deviating(std::vector<double>{5, 1, 3}), 2u);     // sorted 1, 3, 5
  EXPECT_EQ(median_deviating(std::vector<double>{4, 1, 3, 2}), 3u);  // sorted 1, 2, 3, 4
  EXPECT_EQ(median_deviating(std::vector<double>{2, 2, 2}), 1u);     // ties by position
  EXPECT_EQ(median_deviating(std::vector<double>{0.5}), 0u);
}

TEST(Aggregate, BadFitsAndFailuresAreLeftOut) {
  const std::vector<double> accuracy = {0.97, 0.5, kNaN, 0.55, 0.9};
  const std::vector<std::string> status = {"ok", "ok", "ok", "ok", "failed: diverged"};
  const FitSelection s = select_fits(accuracy, status, 0.55);
  EXPECT_EQ(s.kept, (std::vector<std::size_t>{0, 2, 3}));  // 0.55 is not below 0.55
  EXPECT_EQ(s.bad_fit, (std::vector<std::size_t>{1}));
  EXPECT_EQ(s.failed, (std::vector<std::size_t>{4}));
}

TEST(Aggregate, RunSelectionFallsBackToTheAccuracyFile) {
  RunInfo info;
  info.repetitions = {{0, 0, 0, "ok", 0.9, kNaN},
                      {1, 1, 0, "ok", kNaN, kNaN},
                      {2, 2, 0, "failed: nan loss", kNaN, kNaN}};
  AccuracySeries acc;
  acc.repetitions = {1, 3};
  acc.epochs = {1, 2};
  acc.train = {0.6, 0.4,     // repetition 1 ends below 0.55
               0.7, kNaN};   // repetition 3: last finite value 0.7
  acc.test = acc.train;
  acc.loss = acc.train;
  const std::vector<int> present = {0, 1, 3};
  const RunSelection s = select_repetitions(info, &acc, present, 0.55);
  EXPECT_EQ(s.kept, (std::vector<int>{0, 3}));
  EXPECT_EQ(s.bad_fit, (std::vector<int>{1}));
  EXPECT_EQ(s.failed, (std::vector<int>{2}));
  EXPECT_EQ(s.n_total(), 4u);
  EXPECT_EQ(describe_selection(s),
            "mean over 2 of 4 repetitions; left out: 1 with final training accuracy below "
            "0.55 (repetition 1); 1 failed (repetition 2)");
}

TEST(Aggregate, NothingLeftOutIsSaid) {
  RunSelection s;
  s.kept = {0, 1, 2};
  EXPECT_EQ(describe_selection(s), "mean over 3 of 3 repetitions; none left out");
}

/// 3 repetitions (indices 4, 7, 9) x 1 layer x 2 epochs.
MiSeries small_series() {
  MiSeries s;
  s.estimator = "exact";
  s.repetitions = {4, 7, 9};
  s.layers = {1};
  s.epochs = {10, 20};
  s.i_xt = {1, 2,   //
            2, 4,   //
            3, 9};
  s.i_ty = {0, 0,   //
            0, 0,   //
            0, 3};
  return s;
}

TEST(Aggregate, MiSummaryMeansAndMedianDeviatingRepetition) {
  const MiSeries series = small_series();
  const std::vector<int> kept = {4, 7, 9};
  const MiSummary s = summarize_mi(series, kept);
  ASSERT_EQ(s.i_xt.size(), 2u);
  EXPECT_DOUBLE_EQ(s.i_xt[s.at(0, 0)].mean, 2.0);
  EXPECT_DOUBLE_EQ(s.i_xt[s.at(0, 1)].mean, 5.0);
  EXPECT_DOUBLE_EQ(s.i_ty[s.at(0, 1)].mean, 1.0);
  EXPECT_NEAR(s.i_xt[s.at(0, 1)].std, std::sqrt(13.0), 1e-12);  // (9 + 1 + 16) / 2
  // L2 distances from the mean (2, 5 | 0, 1): sqrt(1+9+1), sqrt(0+1+1), sqrt(1+16+4)
  ASSERT_EQ(s.distance.size(), 3u);
  EXPECT_NEAR(s.distance[0], 3.3166247903554, 1e-12);
  EXPECT_NEAR(s.distance[1], 1.4142135623730951, 1e-12);
  EXPECT_NEAR(s.distance[2], 4.58257569495584, 1e-12);
  EXPECT_EQ(s.median_repetition, 4);  // ranks: 7 (1.41), 4 (3.32), 9 (4.58)
}

TEST(Aggregate, MiSummaryUsesOnlyKeptRepetitions) {
  const MiSeries series = small_series();
  const std::vector<int> kept = {7, 9, 12};  // 12 is not in the series
  const MiSummary s = summarize_mi(series, kept);
  EXPECT_EQ(s.repetitions, (std::vector<int>{7, 9}));
  EXPECT_DOUBLE_EQ(s.i_xt[s.at(0, 0)].mean, 2.5);
  EXPECT_DOUBLE_EQ(s.i_xt[s.at(0, 1)].mean, 6.5);
  EXPECT_EQ(s.i_xt[s.at(0, 1)].n, 2u);
  EXPECT_EQ(s.median_repetition, 7);  // two equal distances: the first
}

TEST(Aggregate, RangeSummaryExtremes) {
  RangeSeries r;
  r.repetitions = {0, 1};
  r.layers = {1};
  r.epochs = {1};
  r.min = {-0.5, -0.9};
  r.max = {0.7, 0.6};
  const std::vector<int> kept = {0, 1};
  const RangeSummary s = summarize_ranges(r, kept);
  EXPECT_DOUBLE_EQ(s.min[0].mean, -0.7);
  EXPECT_DOUBLE_EQ(s.max[0].mean, 0.65);
  EXPECT_DOUBLE_EQ(s.lowest[0], -0.9);
  EXPECT_DOUBLE_EQ(s.highest[0], 0.7);
}

}  // namespace
}  // namespace infoplane::report
