/// @brief Tests of the estimator registry and the interface the training runner uses.
#include "infoplane/info/estimator.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/common.h"

namespace infoplane::info {
namespace {

TEST(EstimatorRegistry, BuildsEveryEstimatorWithItsCanonicalName) {
  const std::pair<const char*, const char*> cases[] = {
      {"binning:30", "binning:30,bounds=fixed"},
      {"binning:100,bounds=global", "binning:100,bounds=global"},
      {"adaptive:30", "adaptive:30"},
      {"kde:var=0.001", "kde:var=0.001,bound=upper"},
      {"ksg:k=3", "ksg:k=3,alg=1"},
  };
  for (const auto& [spec, name] : cases) {
    const std::unique_ptr<Estimator> e = make_estimator(spec);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->canonical_name(), name);
    EXPECT_EQ(e->needs_run_range(), std::string(spec).find("global") != std::string::npos);
  }
}

TEST(EstimatorRegistry, ExactAndUnknownNamesAreInputErrors) {
  try {
    make_estimator("exact");
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "estimator \"exact\": exact works on quantized layer codes, not on activations; "
              "got exact, expected one of binning, adaptive, kde, ksg");
  }
  EXPECT_THROW(make_estimator("histogram:30"), InputError);
  EXPECT_THROW(make_estimator("kde:var=0.1,bins=3"), InputError);
}

TEST(EstimatorInterface, EveryEstimatorRespectsTheInformationBounds) {
  // I(X;T) <= log2 N, I(T;Y) <= H(Y) (up to estimator bias for kNN), NaN i_ty without labels.
  std::mt19937_64 gen(4);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const std::size_t n = 1024, d = 4;
  std::vector<float> values(n * d);
  std::vector<std::uint32_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < d; ++c) values[i * d + c] = std::tanh(2.f * u(gen));
    labels[i] = values[i * d] + 0.3f * u(gen) > 0.f ? 1 : 0;
  }
  const ActivationView t{values.data(), n, d};
  const LayerContext context{"tanh", ValueRange{-1.0, 1.0}};
  for (const char* spec : {"binning:30", "binning:100,bounds=global", "binning:8,bounds=neuron",
                           "adaptive:30", "kde:var=0.01", "kde:var=0.01,bound=lower", "ksg:k=3"}) {
    const std::unique_ptr<Estimator> e = make_estimator(spec);
    const PlaneMi mi = e->estimate(t, labels, 2, context);
    if (!std::isnan(mi.i_xt)) {
      EXPECT_GE(mi.i_xt, 0.0) << spec;
      EXPECT_LE(mi.i_xt, std::log2(static_cast<double>(n)) + 1e-12) << spec;
      EXPECT_GE(mi.i_xt, mi.i_ty - 1e-12) << spec;
    }
    EXPECT_GT(mi.i_ty, 0.1) << spec;
    EXPECT_LE(mi.i_ty, 1.0 + 0.05) << spec;
    EXPECT_TRUE(std::isnan(e->estimate(t, {}, 0, context).i_ty)) << spec;
  }
}

TEST(EstimatorInterface, ReusedEstimatorGivesTheSameAsAFreshOne) {
  // Scratch buffers are kept between calls: different sizes one after the other must not
  // change any result.
  std::mt19937_64 gen(12);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  for (const char* spec : {"binning:30,bounds=layer", "adaptive:16,miller_madow=true",
                           "kde:var=0.01", "ksg:k=2"}) {
    const std::unique_ptr<Estimator> reused = make_estimator(spec);
    for (const std::size_t n : {700u, 100u, 900u}) {
      for (const std::size_t d : {3u, 1u}) {
        std::vector<float> values(n * d);
        for (float& v : values) v = u(gen);
        std::vector<std::uint32_t> labels(n);
        for (auto& y : labels) y = static_cast<std::uint32_t>(gen() % 3);
        const ActivationView t{values.data(), n, d};
        const PlaneMi a = reused->estimate(t, labels, 3, {});
        const PlaneMi b = make_estimator(spec)->estimate(t, labels, 3, {});
        EXPECT_TRUE(a.i_xt == b.i_xt || (std::isnan(a.i_xt) && std::isnan(b.i_xt))) << spec;
        EXPECT_EQ(a.i_ty, b.i_ty) << spec;
      }
    }
  }
}

}  // namespace
}  // namespace infoplane::info
