/// @brief Tests of equal-width and equal-mass binning against brute force and exact values.
#include "infoplane/info/binning.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "infoplane/info/entropy.h"
#include "infoplane/info/estimator.h"

namespace infoplane::info {
namespace {

struct Layer {
  std::vector<float> values;
  std::vector<std::uint32_t> labels;
  std::size_t n_rows = 0, n_cols = 0;
  ActivationView view() const { return {values.data(), n_rows, n_cols}; }
};

/// Uniform values in [lo, hi] with labels that depend on the first unit (so I(T;Y) > 0).
Layer random_layer(std::size_t n_rows, std::size_t n_cols, float lo, float hi,
                   std::size_t n_classes, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  Layer l{{}, {}, n_rows, n_cols};
  for (std::size_t i = 0; i < n_rows; ++i) {
    for (std::size_t c = 0; c < n_cols; ++c) l.values.push_back(u(gen));
    const float first = l.values[i * n_cols];
    const std::size_t y = static_cast<std::size_t>((first - lo) / (hi - lo) * n_classes + gen() % 2);
    l.labels.push_back(static_cast<std::uint32_t>(std::min(y, n_classes - 1)));
  }
  return l;
}

TEST(BinningIndex, TopEdgeBelongsToTheLastBin) {
  EXPECT_EQ(bin_index(1.0, -1.0, 1.0, 30), 29u);
  EXPECT_EQ(bin_index(-1.0, -1.0, 1.0, 30), 0u);
  EXPECT_EQ(bin_index(0.0, -1.0, 1.0, 2), 1u);  // an inner edge opens the upper bin
  EXPECT_EQ(bin_index(-1e-12, -1.0, 1.0, 2), 0u);
  EXPECT_EQ(bin_index(-3.0, -1.0, 1.0, 30), 0u);  // below the range: first bin
  EXPECT_EQ(bin_index(7.0, -1.0, 1.0, 30), 29u);  // above: last bin
  EXPECT_EQ(bin_index(0.5, 0.5, 0.5, 30), 0u);    // degenerate range
  EXPECT_EQ(bin_index(std::numeric_limits<double>::quiet_NaN(), 0.0, 1.0, 4), 0u);
  for (std::uint32_t j = 0; j < 10; ++j)  // bin centres
    EXPECT_EQ(bin_index(0.05 + 0.1 * j, 0.0, 1.0, 10), j);
}

TEST(BinningIndex, ActivationRanges) {
  ASSERT_TRUE(activation_range("tanh"));
  EXPECT_EQ(activation_range("tanh")->lo, -1.0);
  EXPECT_EQ(activation_range("tanh")->hi, 1.0);
  EXPECT_EQ(activation_range("softmax")->lo, 0.0);
  EXPECT_EQ(activation_range("softmax")->hi, 1.0);
  EXPECT_EQ(activation_range("sigmoid")->hi, 1.0);
  EXPECT_EQ(activation_range("relu6")->hi, 6.0);
  EXPECT_FALSE(activation_range("relu"));
  EXPECT_FALSE(activation_range("linear"));
  EXPECT_FALSE(activation_range(""));
}

void expect_same(const PlaneMi& a, const PlaneMi& b, const char* what) {
  EXPECT_NEAR(a.i_xt, b.i_xt, 1e-12) << what;
  EXPECT_NEAR(a.i_ty, b.i_ty, 1e-12) << what;
}

TEST(BinningEstimator, MatchesBruteForceForEveryBoundsRule) {
  const Layer l = random_layer(3000, 3, -0.9f, 0.8f, 3, 7);
  const ActivationView t = l.view();
  float lo = l.values[0], hi = l.values[0];
  std::vector<ValueRange> per_unit(3, ValueRange{1e9, -1e9});
  for (std::size_t i = 0; i < t.n_rows; ++i)
    for (std::size_t c = 0; c < 3; ++c) {
      const float v = t.row(i)[c];
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      per_unit[c].lo = std::min<double>(per_unit[c].lo, v);
      per_unit[c].hi = std::max<double>(per_unit[c].hi, v);
    }
  for (const bool mm : {false, true}) {
    const std::string suffix = mm ? ",miller_madow=true" : "";
    LayerContext tanh{"tanh", std::nullopt};
    const ValueRange fixed[] = {{-1.0, 1.0}};
    const ValueRange layer[] = {{lo, hi}};
    const ValueRange global[] = {{-2.0, 3.0}};
    expect_same(make_estimator("binning:30" + suffix)->estimate(t, l.labels, 3, tanh),
                binning_mi_naive(t, fixed, 30, l.labels, 3, mm), "fixed");
    expect_same(make_estimator("binning:100,bounds=layer" + suffix)->estimate(t, l.labels, 3, {}),
                binning_mi_naive(t, layer, 100, l.labels, 3, mm), "layer");
    expect_same(make_estimator("binning:7,bounds=neuron" + suffix)->estimate(t, l.labels, 3, {}),
                binning_mi_naive(t, per_unit, 7, l.labels, 3, mm), "neuron");
    LayerContext run{"relu", ValueRange{-2.0, 3.0}};
    expect_same(make_estimator("binning:40,bounds=global" + suffix)->estimate(t, l.labels, 3, run),
                binning_mi_naive(t, global, 40, l.labels, 3, mm), "global");
    expect_same(
        make_estimator("binning:40,bounds=fixed:-2:3" + suffix)->estimate(t, l.labels, 3, run),
        binning_mi_naive(t, global, 40, l.labels, 3, mm), "fixed:-2:3");
  }
}

TEST(BinningEstimator, FixedBinsOnTheQuantizationLevelsGiveTheExactValue) {
  // A quantized layer: codes j in [0, 2^k) and values a_l + j s. Bins of width s centred
  // on the levels map every level to its own bin, so binning equals the exact measure.
  const std::uint32_t levels = 256;
  const double a_l = -0.7, a_u = 0.9;
  const double s = (a_u - a_l) / (levels - 1);
  const std::size_t n = 4096, d = 3;
  std::mt19937_64 gen(11);
  std::vector<std::uint32_t> codes(n * d), labels(n);
  std::vector<float> values(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < d; ++c) {
      // Few distinct levels per unit so that states repeat and I(T;Y) is informative.
      codes[i * d + c] = static_cast<std::uint32_t>((gen() % 6) * 50 + c);
      values[i * d + c] = static_cast<float>(a_l + codes[i * d + c] * s);
    }
    labels[i] = static_cast<std::uint32_t>((codes[i * d] / 50 + gen() % 2) % 2);
  }
  const DiscreteInfo exact = mi_exact(CodeMatrixView{codes.data(), n, d}, labels, 2);
  const std::string spec =
      fmt::format("binning:{},bounds=fixed:{}:{}", levels, a_l - s / 2, a_u + s / 2);
  const PlaneMi binned =
      make_estimator(spec)->estimate({values.data(), n, d}, labels, 2, LayerContext{});
  EXPECT_NEAR(binned.i_xt, exact.h_t, 1e-12);
  EXPECT_NEAR(binned.i_ty, exact.i_ty, 1e-12);
  EXPECT_GT(exact.i_ty, 0.01);
  EXPECT_LT(exact.h_t, std::log2(static_cast<double>(n)) - 1.0);  // states do repeat
}

TEST(BinningEstimator, MillerMadowAddsTheBiasTermOfEachEntropy) {
  // States a, a, b, c with labels 0, 1, 0, 0: H(T) = 1.5 bits with m = 3, n = 4;
  // class 0 has states {a, b, c} (n = 3, m = 3), class 1 has {a} (n = 1, m = 1).
  const float values[] = {0.1f, 0.1f, 0.6f, 0.9f};
  const std::uint32_t labels[] = {0, 1, 0, 0};
  const ActivationView t{values, 4, 1};
  auto plain = make_estimator("binning:3,bounds=fixed:0:1");
  auto mm = make_estimator("binning:3,bounds=fixed:0:1,miller_madow=true");
  const PlaneMi p = plain->estimate(t, labels, 2, {});
  const PlaneMi c = mm->estimate(t, labels, 2, {});
  const double ln2 = std::log(2.0);
  EXPECT_NEAR(p.i_xt, 1.5, 1e-12);
  EXPECT_NEAR(p.i_ty, 1.5 - 0.75 * std::log2(3.0), 1e-12);
  const double h_t_bias = (3.0 - 1.0) / (2.0 * 4) / ln2;
  const double h_t_y_bias = 0.75 * (3.0 - 1.0) / (2.0 * 3) / ln2 + 0.25 * 0.0;
  EXPECT_NEAR(c.i_xt, 1.5 + h_t_bias, 1e-12);
  EXPECT_NEAR(c.i_ty, p.i_ty + h_t_bias - h_t_y_bias, 1e-12);
}

TEST(BinningEstimator, BoundsAndMonotonicity) {
  const Layer l = random_layer(2000, 2, 0.0f, 1.0f, 2, 3);
  double h_y = 0.0;
  {
    std::size_t ones = 0;
    for (const auto y : l.labels) ones += y;
    const double p = static_cast<double>(ones) / l.labels.size();
    h_y = -p * std::log2(p) - (1 - p) * std::log2(1 - p);
  }
  PlaneMi previous{0.0, 0.0};
  for (const int m : {2, 4, 8, 16, 32, 64, 128}) {  // nested partitions of [0, 1]
    const PlaneMi mi = make_estimator(fmt::format("binning:{},bounds=fixed:0:1", m))
                           ->estimate(l.view(), l.labels, 2, {});
    EXPECT_LE(mi.i_xt, std::log2(2000.0) + 1e-12);
    EXPECT_LE(mi.i_ty, h_y + 1e-12);
    EXPECT_GE(mi.i_xt, previous.i_xt - 1e-12) << m;
    EXPECT_GE(mi.i_ty, previous.i_ty - 1e-12) << m;
    EXPECT_GE(mi.i_ty, 0.0);
    previous = mi;
  }
}

TEST(BinningEstimator, GlobalBoundsNeedTheRunRange) {
  auto global = make_estimator("binning:30,bounds=global");
  EXPECT_TRUE(global->needs_run_range());
  EXPECT_FALSE(make_estimator("binning:30,bounds=layer")->needs_run_range());
  const float values[] = {0.1f, 0.2f};
  EXPECT_THROW(global->estimate({values, 2, 1}, {}, 0, LayerContext{"relu", std::nullopt}),
               std::logic_error);
}

TEST(BinningEstimator, FixedDefaultsFollowTheActivation) {
  auto fixed = make_estimator("binning:2");
  EXPECT_NO_THROW(fixed->check_activation("tanh"));
  EXPECT_NO_THROW(fixed->check_activation("softmax"));
  EXPECT_THROW(fixed->check_activation("relu"), InputError);
  try {
    fixed->check_activation("relu");
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "estimator \"binning:2,bounds=fixed\": bounds=fixed has no default range for "
              "activation \"relu\"; got \"relu\", expected bounds=fixed:LO:HI, global, layer or "
              "neuron (defaults exist for tanh, sigmoid, softmax, relu6)");
  }
  EXPECT_NO_THROW(make_estimator("binning:2,bounds=fixed:0:5")->check_activation("relu"));
  EXPECT_NO_THROW(make_estimator("binning:2,bounds=layer")->check_activation("relu"));
  // tanh bins [-1, 0) and [0, 1]; softmax bins [0, 0.5) and [0.5, 1].
  const float values[] = {-0.5f, 0.25f, 0.75f, 0.9f};
  const std::uint32_t labels[] = {0, 0, 1, 1};
  EXPECT_NEAR(fixed->estimate({values, 4, 1}, labels, 2, {"tanh", std::nullopt}).i_xt,
              -0.25 * std::log2(0.25) - 0.75 * std::log2(0.75), 1e-12);
  const PlaneMi soft = fixed->estimate({values, 4, 1}, labels, 2, {"softmax", std::nullopt});
  EXPECT_NEAR(soft.i_xt, 1.0, 1e-12);
  EXPECT_NEAR(soft.i_ty, 1.0, 1e-12);
  EXPECT_THROW(fixed->estimate({values, 4, 1}, labels, 2, {"relu", std::nullopt}), InputError);
}

TEST(AdaptiveBinning, EqualMassBins) {
  // 1000 distinct values in one unit, 10 bins: 100 values per bin, H = log2 10.
  std::vector<float> values(1000);
  std::mt19937_64 gen(5);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i * i) * 1e-3f;
  std::shuffle(values.begin(), values.end(), gen);
  const ActivationView t{values.data(), 1000, 1};
  std::vector<float> sorted, edges;
  equal_mass_edges(t, 10, sorted, edges);
  ASSERT_EQ(edges.size(), 9u);
  std::vector<std::uint32_t> codes(1000);
  bin_by_edges(t, edges, codes);
  std::vector<int> counts(10, 0);
  for (const auto c : codes) ++counts.at(c);
  for (const int c : counts) EXPECT_EQ(c, 100);
  const PlaneMi mi = make_estimator("adaptive:10")->estimate(t, {}, 0, {});
  EXPECT_NEAR(mi.i_xt, std::log2(10.0), 1e-12);
  EXPECT_TRUE(std::isnan(mi.i_ty));
}

TEST(AdaptiveBinning, EdgesAreTheOrderStatisticsOfAFullSort) {
  std::mt19937_64 gen(21);
  for (const std::size_t n : {1u, 7u, 1000u})
    for (const std::uint32_t m : {1u, 2u, 3u, 30u, 256u, 2000u}) {
      std::vector<float> values(n * 2);
      for (float& v : values) v = static_cast<float>(gen() % 50) * 0.1f;  // with ties
      std::vector<float> full = values;
      std::sort(full.begin(), full.end());
      std::vector<float> sorted, edges;
      equal_mass_edges({values.data(), n, 2}, m, sorted, edges);
      ASSERT_EQ(edges.size(), m - 1);
      for (std::uint32_t j = 1; j < m; ++j)
        EXPECT_EQ(edges[j - 1], full[std::min<std::size_t>(j * full.size() / m, full.size() - 1)])
            << n << " " << m << " " << j;
    }
}

TEST(AdaptiveBinning, PooledOverTheLayerAndTiesShareABin) {
  // Two units, values pooled: edges from all 8 values; ties never split.
  const float values[] = {0.f, 10.f, 1.f, 11.f, 2.f, 12.f, 3.f, 13.f};
  const ActivationView t{values, 4, 2};
  std::vector<float> sorted, edges;
  equal_mass_edges(t, 2, sorted, edges);
  ASSERT_EQ(edges.size(), 1u);
  EXPECT_EQ(edges[0], 10.f);  // rank floor(1 * 8 / 2) = 4 of 0 1 2 3 10 11 12 13
  std::vector<std::uint32_t> codes(8);
  bin_by_edges(t, edges, codes);
  EXPECT_EQ(codes, (std::vector<std::uint32_t>{0, 1, 0, 1, 0, 1, 0, 1}));

  const float tied[] = {1.f, 1.f, 1.f, 1.f, 2.f, 3.f};
  std::vector<std::uint32_t> tied_codes(6);
  equal_mass_edges({tied, 6, 1}, 3, sorted, edges);
  bin_by_edges({tied, 6, 1}, edges, tied_codes);
  EXPECT_EQ(tied_codes[0], tied_codes[3]);
  EXPECT_LT(tied_codes[3], tied_codes[5]);
}

TEST(AdaptiveBinning, MatchesBruteForceWithItsEdges) {
  const Layer l = random_layer(1500, 2, -1.0f, 1.0f, 4, 9);
  std::vector<float> sorted, edges;
  equal_mass_edges(l.view(), 16, sorted, edges);
  // With the edges as explicit bins, the brute force count must agree: compare H via codes.
  std::vector<std::uint32_t> codes(l.values.size());
  bin_by_edges(l.view(), edges, codes);
  const DiscreteInfo exact = mi_exact_naive(CodeMatrixView{codes.data(), 1500, 2}, l.labels, 4);
  const PlaneMi mi = make_estimator("adaptive:16")->estimate(l.view(), l.labels, 4, {});
  EXPECT_NEAR(mi.i_xt, exact.h_t, 1e-12);
  EXPECT_NEAR(mi.i_ty, exact.i_ty, 1e-12);
}

}  // namespace
}  // namespace infoplane::info
