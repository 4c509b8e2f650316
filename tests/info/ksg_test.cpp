/// @brief Tests of the KSG and Ross kNN estimators: closed forms, published vectors, and
/// the k-d tree against brute force (ties included).
#include "infoplane/info/ksg.h"

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "infoplane/info/estimator.h"

namespace infoplane::info {
namespace {

/// n x d standard normal values from a fixed generator (Box-Muller, portable).
std::vector<double> normals(std::size_t count, std::uint64_t seed) {
  std::vector<double> v(count, 0.0);
  ksg_preprocess(v, count, 1, false, 1.0, seed);
  return v;
}

TEST(KsgDigamma, KnownValues) {
  const double euler_gamma = 0.57721566490153286;
  EXPECT_NEAR(digamma(1.0), -euler_gamma, 1e-14);
  EXPECT_NEAR(digamma(0.5), -euler_gamma - 2.0 * std::log(2.0), 1e-14);
  EXPECT_NEAR(digamma(100.0), 4.600161852738087, 1e-14);
  for (int n = 1; n < 200; ++n) EXPECT_NEAR(digamma(n + 1.0) - digamma(n), 1.0 / n, 1e-14);
  EXPECT_NEAR(digamma(70000.0), std::log(70000.0) - 0.5 / 70000 - 1.0 / (12.0 * 7e4 * 7e4), 1e-14);
}

TEST(KsgKnownAnswers, InfomeasureVectorAlgorithmOne) {
  // infomeasure's KSG test case with strict counting as in Kraskov et al.: -43/1260 nats.
  const double x[] = {-2.49, 1.64, -3.05, 7.95, -5.96, 1.77, -5.24, 7.03, -0.11, -1.86};
  const double y[] = {-8.59, 8.41, 3.76, 3.77, 5.69, 1.75, -3.2, -4.0, -4.0, 6.85};
  const SampleView xv{x, 10, 1}, yv{y, 10, 1};
  EXPECT_NEAR(ksg_mi(xv, yv, 4, 1), -0.034126984127, 1e-12);
  EXPECT_NEAR(ksg_mi_naive(xv, yv, 4, 1), -43.0 / 1260.0, 1e-12);
  EXPECT_NEAR(ksg_mi(xv, yv, 4, 2), ksg_mi_naive(xv, yv, 4, 2), 1e-12);
}

TEST(KsgKnownAnswers, IdenticalVariablesGiveTheDigammaIdentities) {
  // X = Y without ties: KSG-1 = psi(N) - psi(k), KSG-2 = psi(N) - psi(k) - 1/k.
  std::mt19937_64 gen(1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (const std::size_t n : {50u, 2000u}) {
    for (const std::size_t d : {1u, 3u}) {
      std::vector<double> x(n * d);
      for (double& v : x) v = u(gen);
      const SampleView xv{x.data(), n, d};
      for (const std::uint32_t k : {1u, 3u, 7u}) {
        const double base = digamma(static_cast<double>(n)) - digamma(k);
        EXPECT_NEAR(ksg_mi(xv, xv, k, 1), base, 1e-10) << n << " " << d << " " << k;
        EXPECT_NEAR(ksg_mi(xv, xv, k, 2), base - 1.0 / k, 1e-10) << n << " " << d << " " << k;
      }
    }
  }
}

TEST(KsgKnownAnswers, BivariateGaussianClosedForm) {
  // I = -1/2 ln(1 - rho^2) = 0.1438410 nats at rho = 0.5. One estimate at N = 20000 has a
  // standard deviation of about 0.006 nats; the mean of 5 independent samples about 0.003,
  // so the tolerance 0.012 is 4 standard deviations.
  const std::size_t n = 20000, n_samples = 5;
  const double rho = 0.5;
  const double truth = -0.5 * std::log(1 - rho * rho);
  EXPECT_NEAR(truth, 0.1438410, 1e-7);
  double sum[2][2] = {}, sum_wide = 0.0, sum_independent = 0.0;
  for (std::size_t s = 0; s < n_samples; ++s) {
    const std::vector<double> a = normals(n, 100 + s), b = normals(n, 200 + s),
                              c = normals(n, 300 + s);
    std::vector<double> y(n), x2(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      y[i] = rho * a[i] + std::sqrt(1 - rho * rho) * b[i];
      x2[2 * i] = a[i];
      x2[2 * i + 1] = c[i];  // an independent coordinate changes nothing in truth
    }
    for (const int alg : {1, 2}) {
      sum[alg - 1][0] += ksg_mi({a.data(), n, 1}, {y.data(), n, 1}, 3, alg);
      sum[alg - 1][1] += ksg_mi({a.data(), n, 1}, {y.data(), n, 1}, 8, alg);
    }
    sum_wide += ksg_mi({x2.data(), n, 2}, {y.data(), n, 1}, 4, 1);
    sum_independent += ksg_mi({a.data(), n, 1}, {c.data(), n, 1}, 3, 1);
  }
  for (const int alg : {1, 2}) {
    EXPECT_NEAR(sum[alg - 1][0] / n_samples, truth, 0.012) << "k=3 alg=" << alg;
    EXPECT_NEAR(sum[alg - 1][1] / n_samples, truth, 0.012) << "k=8 alg=" << alg;
  }
  EXPECT_NEAR(sum_wide / n_samples, truth, 0.02);
  EXPECT_NEAR(sum_independent / n_samples, 0.0, 0.012);
}

TEST(KsgTree, MatchesBruteForceWithTies) {
  // Values rounded to one decimal: many equal coordinates and equal distances.
  std::mt19937_64 gen(77);
  for (const auto& [dx, dy] : {std::pair<std::size_t, std::size_t>{1, 1}, {2, 3}, {4, 1}}) {
    const std::size_t n = 400;
    std::vector<double> x(n * dx), y(n * dy);
    for (double& v : x) v = static_cast<double>(gen() % 21) / 10.0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t c = 0; c < dy; ++c)
        y[i * dy + c] = std::round(10.0 * (x[i * dx] + (gen() % 7) / 10.0)) / 10.0;
    const SampleView xv{x.data(), n, dx}, yv{y.data(), n, dy};
    for (const std::uint32_t k : {1u, 3u, 10u})
      for (const int alg : {1, 2})
        EXPECT_NEAR(ksg_mi(xv, yv, k, alg), ksg_mi_naive(xv, yv, k, alg), 1e-12)
            << dx << "+" << dy << " k=" << k << " alg=" << alg;
  }
}

TEST(KsgTree, ManyIdenticalPointsMatchBruteForce) {
  // Dead or saturated units give blocks of identical rows (leaves the tree cannot split).
  std::mt19937_64 gen(31);
  const std::size_t n = 500, d = 2;
  std::vector<double> x(n * d), y(n);
  std::vector<std::uint32_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool dead = gen() % 10 < 6;
    for (std::size_t c = 0; c < d; ++c) x[i * d + c] = dead ? 0.0 : (gen() % 100) / 50.0;
    y[i] = dead ? 1.0 : (gen() % 5) / 4.0;
    labels[i] = static_cast<std::uint32_t>(gen() % 2);
  }
  const SampleView xv{x.data(), n, d}, yv{y.data(), n, 1};
  for (const std::uint32_t k : {1u, 4u})
    for (const int alg : {1, 2})
      EXPECT_NEAR(ksg_mi(xv, yv, k, alg), ksg_mi_naive(xv, yv, k, alg), 1e-12) << k << alg;
  for (const std::uint32_t k : {1u, 4u})
    EXPECT_NEAR(mixed_mi(xv, labels, 2, k), mixed_mi_naive(xv, labels, 2, k), 1e-12) << k;
}

TEST(KsgMixed, MatchesBruteForceWithTiesAndSmallClasses) {
  std::mt19937_64 gen(99);
  const std::size_t n = 600, d = 3;
  std::vector<double> t(n * d);
  for (double& v : t) v = static_cast<double>(gen() % 15) / 4.0;
  std::vector<std::uint32_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) labels[i] = static_cast<std::uint32_t>(gen() % 4);
  labels[5] = 4;               // a class of one sample: left out
  labels[6] = labels[7] = 5;   // a class of two: k becomes 1
  const SampleView tv{t.data(), n, d};
  for (const std::uint32_t k : {1u, 3u, 6u})
    EXPECT_NEAR(mixed_mi(tv, labels, 7, k), mixed_mi_naive(tv, labels, 7, k), 1e-12) << k;
}

TEST(KsgMixed, SeparatedClassesAndIndependentLabels) {
  // Classes far apart: m_i = k for every sample, so I = psi(N) - <psi(N_y)>.
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t sizes[] = {700, 300, 1000};
  std::vector<double> t;
  std::vector<std::uint32_t> labels;
  for (std::uint32_t y = 0; y < 3; ++y)
    for (std::size_t i = 0; i < sizes[y]; ++i) {
      t.push_back(10.0 * y + u(gen));
      t.push_back(u(gen));
      labels.push_back(y);
    }
  const std::size_t n = labels.size();
  double mean_psi = 0.0;
  for (const std::size_t s : sizes) mean_psi += s * digamma(static_cast<double>(s)) / n;
  const double expected = digamma(static_cast<double>(n)) - mean_psi;
  EXPECT_NEAR(mixed_mi({t.data(), n, 2}, labels, 3, 3), expected, 1e-12);
  EXPECT_NEAR(expected, -(0.35 * std::log(0.35) + 0.15 * std::log(0.15) + 0.5 * std::log(0.5)),
              2e-3);  // about H(Y)

  std::vector<std::uint32_t> shuffled(n);
  for (auto& y : shuffled) y = static_cast<std::uint32_t>(gen() % 3);
  EXPECT_NEAR(mixed_mi({t.data(), n, 2}, shuffled, 3, 3), 0.0, 0.02);
}

TEST(KsgPreprocess, NormalizeAndSeededNoise) {
  std::vector<double> v = {1.0, 10.0, 2.0, 10.0, 3.0, 10.0, 4.0, 10.0};
  ksg_preprocess(v, 4, 2, true, 0.0, 0);
  double mean = 0.0, sq = 0.0;
  for (std::size_t i = 0; i < 4; ++i) {
    mean += v[2 * i];
    sq += v[2 * i] * v[2 * i];
    EXPECT_EQ(v[2 * i + 1], 0.0);  // constant column: only centred
  }
  EXPECT_NEAR(mean, 0.0, 1e-12);
  EXPECT_NEAR(sq / 4, 1.0, 1e-12);

  std::vector<double> a(100, 0.0), b(100, 0.0), c(100, 0.0);
  ksg_preprocess(a, 100, 1, false, 1e-3, 42);
  ksg_preprocess(b, 100, 1, false, 1e-3, 42);
  ksg_preprocess(c, 100, 1, false, 1e-3, 43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  double s2 = 0.0;
  for (const double x : a) s2 += x * x;
  EXPECT_NEAR(std::sqrt(s2 / 100), 1e-3, 3e-4);
}

TEST(KsgErrors, TooFewSamples) {
  const double x[] = {1.0, 2.0, 3.0};
  try {
    ksg_mi({x, 3, 1}, {x, 3, 1}, 3, 1);
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "ksg: k = 3 needs at least 4 samples; got 3, expected more samples or a smaller k");
  }
  EXPECT_THROW(ksg_mi({x, 3, 1}, {x, 2, 1}, 1, 1), InputError);
}

TEST(KsgEstimator, ReportsRossForTheLabelAndNoInputInformation) {
  auto e = make_estimator("ksg:k=3");
  EXPECT_EQ(e->canonical_name(), "ksg:k=3,alg=1");
  std::mt19937_64 gen(8);
  std::vector<float> values(500 * 2);
  std::vector<double> as_double(values.size());
  std::vector<std::uint32_t> labels(500);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<float>(gen() % 1000) / 1000.f;
    as_double[i] = values[i];
  }
  for (std::size_t i = 0; i < 500; ++i) labels[i] = values[2 * i] > 0.5f ? 1 : 0;
  const PlaneMi mi = e->estimate({values.data(), 500, 2}, labels, 2, {});
  EXPECT_TRUE(std::isnan(mi.i_xt));
  EXPECT_NEAR(mi.i_ty, mixed_mi({as_double.data(), 500, 2}, labels, 2, 3) / std::numbers::ln2,
              1e-12);
  EXPECT_GT(mi.i_ty, 0.8);
  const PlaneMi unlabeled = e->estimate({values.data(), 500, 2}, {}, 0, {});
  EXPECT_TRUE(std::isnan(unlabeled.i_ty));
}

}  // namespace
}  // namespace infoplane::info
