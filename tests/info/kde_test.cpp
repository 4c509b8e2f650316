/// @brief Tests of the Kolchinsky-Tracey KDE bounds: published values, limits, fast = naive.
#include "infoplane/info/kde.h"

#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/info/estimator.h"

namespace infoplane::info {
namespace {

const double kLn2 = std::log(2.0);

PlaneMi kde(const std::vector<float>& values, std::size_t n_cols, double var, KdeBound bound,
            std::span<const std::uint32_t> labels = {}, std::size_t n_classes = 0) {
  KdeWorkspace ws;
  return kde_mi({values.data(), values.size() / n_cols, n_cols}, labels, n_classes,
                KdeOptions{var, bound}, ws);
}

TEST(KdeBounds, KolchinskyTraceyOneDimensionalMixtures) {
  // Means {0, 2}, variance 1: lower 0.219070, upper 0.566219 nats.
  EXPECT_NEAR(kde({0.f, 2.f}, 1, 1.0, KdeBound::Lower).i_xt * kLn2, 0.219070, 5e-7);
  EXPECT_NEAR(kde({0.f, 2.f}, 1, 1.0, KdeBound::Upper).i_xt * kLn2, 0.566219, 5e-7);
  // Means {0, 1, 2, 3}: lower 0.261365, upper 0.678771 nats.
  EXPECT_NEAR(kde({0.f, 1.f, 2.f, 3.f}, 1, 1.0, KdeBound::Lower).i_xt * kLn2, 0.261365, 5e-7);
  EXPECT_NEAR(kde({0.f, 1.f, 2.f, 3.f}, 1, 1.0, KdeBound::Upper).i_xt * kLn2, 0.678771, 5e-7);
}

TEST(KdeBounds, IdenticalMeansGiveZeroAndFarApartMeansGiveLogN) {
  const std::vector<float> same(50 * 3, 0.25f);
  EXPECT_NEAR(kde(same, 3, 0.01, KdeBound::Upper).i_xt, 0.0, 1e-12);
  EXPECT_NEAR(kde(same, 3, 0.01, KdeBound::Lower).i_xt, 0.0, 1e-12);
  std::vector<float> far;
  for (int i = 0; i < 600; ++i) far.insert(far.end(), {100.f * i, -50.f * i});
  EXPECT_NEAR(kde(far, 2, 1.0, KdeBound::Upper).i_xt, std::log2(600.0), 1e-12);
  EXPECT_NEAR(kde(far, 2, 1.0, KdeBound::Lower).i_xt, std::log2(600.0), 1e-12);
}

TEST(KdeBounds, SeparatedClassesGiveTheLabelEntropy) {
  // Classes far apart: every cross-class kernel vanishes, so I(T;Y) = H(Y) whatever the
  // spread within a class.
  std::mt19937_64 gen(3);
  std::normal_distribution<float> noise(0.f, 0.05f);
  std::vector<float> values;
  std::vector<std::uint32_t> labels;
  const std::size_t sizes[] = {300, 100, 600};
  for (std::uint32_t y = 0; y < 3; ++y)
    for (std::size_t i = 0; i < sizes[y]; ++i) {
      values.push_back(50.f * y + noise(gen));
      values.push_back(noise(gen));
      labels.push_back(y);
    }
  double h_y = 0.0;
  for (const std::size_t s : sizes) h_y -= s / 1000.0 * std::log2(s / 1000.0);
  for (const KdeBound b : {KdeBound::Upper, KdeBound::Lower}) {
    const PlaneMi mi = kde(values, 2, 0.01, b, labels, 3);
    EXPECT_NEAR(mi.i_ty, h_y, 1e-9);
    EXPECT_GT(mi.i_xt, mi.i_ty);
  }
}

TEST(KdeBounds, TiledKernelMatchesTheNaiveDoubleLoop) {
  // Sizes that cross the tile boundaries (256 rows, 512 columns), several classes with
  // labels in random order, an empty class.
  std::mt19937_64 gen(17);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (const std::size_t n : {1u, 2u, 257u, 1300u}) {
    for (const std::size_t d : {1u, 5u}) {
      std::vector<float> values(n * d);
      for (float& v : values) v = u(gen);
      std::vector<std::uint32_t> labels(n);
      for (auto& y : labels) y = static_cast<std::uint32_t>(gen() % 3) * 2;  // 0, 2, 4
      for (const KdeBound b : {KdeBound::Upper, KdeBound::Lower}) {
        KdeWorkspace ws;
        const KdeOptions o{0.05, b};
        const ActivationView t{values.data(), n, d};
        const PlaneMi fast = kde_mi(t, labels, 5, o, ws);
        const PlaneMi naive = kde_mi_naive(t, labels, 5, o);
        EXPECT_NEAR(fast.i_xt, naive.i_xt, 1e-10 * (1 + naive.i_xt)) << n << "x" << d;
        EXPECT_NEAR(fast.i_ty, naive.i_ty, 1e-10 * (1 + naive.i_xt)) << n << "x" << d;
        const PlaneMi unlabeled = kde_mi(t, {}, 0, o, ws);  // workspace reused
        EXPECT_NEAR(unlabeled.i_xt, naive.i_xt, 1e-10 * (1 + naive.i_xt));
        EXPECT_TRUE(std::isnan(unlabeled.i_ty));
      }
    }
  }
}

TEST(KdeBounds, LowerIsBelowUpperAndBothWithinLogN) {
  std::mt19937_64 gen(23);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float> values(800 * 3);
  for (float& v : values) v = u(gen);
  for (const double var : {1e-4, 1e-3, 1e-2, 1e-1, 1.0}) {
    const PlaneMi lo = kde(values, 3, var, KdeBound::Lower);
    const PlaneMi up = kde(values, 3, var, KdeBound::Upper);
    EXPECT_LE(lo.i_xt, up.i_xt);
    EXPECT_GE(lo.i_xt, 0.0);
    EXPECT_LE(up.i_xt, std::log2(800.0) + 1e-12);
  }
}

TEST(KdeEstimator, ThroughTheInterface) {
  auto e = make_estimator("kde:var=0.05,bound=lower");
  EXPECT_EQ(e->canonical_name(), "kde:var=0.05,bound=lower");
  EXPECT_FALSE(e->needs_run_range());
  const std::vector<float> values = {0.f, 1.f, 2.f, 3.f};
  const std::uint32_t labels[] = {0, 0, 1, 1};
  const PlaneMi via = e->estimate({values.data(), 4, 1}, labels, 2, {});
  const PlaneMi direct = kde_mi_naive({values.data(), 4, 1}, labels, 2, {0.05, KdeBound::Lower});
  EXPECT_NEAR(via.i_xt, direct.i_xt, 1e-12);
  EXPECT_NEAR(via.i_ty, direct.i_ty, 1e-12);
}

}  // namespace
}  // namespace infoplane::info
