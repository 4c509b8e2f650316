/// @brief Network tests: finite-difference gradients, straight-through quantization, Adam, init.
#include "infoplane/nn/network.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/random.h"
#include "gradient_check.h"

namespace infoplane::nn {
namespace {

NetworkSpec small_spec(Activation hidden) {
  return NetworkSpec{5, {{4, hidden}, {3, hidden}, {3, Activation::Softmax}}};
}

/// A batch of n samples with d features, features x samples.
std::vector<double> random_batch(std::size_t n, std::size_t d, Rng& rng) {
  std::vector<double> x(n * d);
  for (double& v : x) v = rng.normal();
  return x;
}

using testing::expect_gradients_match;

class GradientCheck : public ::testing::TestWithParam<Activation> {};

TEST_P(GradientCheck, MatchesFiniteDifferencesWithoutQuantization) {
  Rng rng(7);
  QuantSpec quant;
  quant.bits = k_unquantized_bits;
  Network<double> net(small_spec(GetParam()), quant, 16, rng);
  // Non-zero biases so that relu kinks are not hit exactly.
  std::vector<double> params = net.parameters();
  for (double& p : params) p += 0.01 * rng.normal();
  net.set_parameters(params);
  const std::vector<double> x = random_batch(16, 5, rng);
  std::vector<std::uint32_t> y(16);
  for (auto& label : y) label = static_cast<std::uint32_t>(rng.below(3));
  expect_gradients_match(net, x, y, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Activations, GradientCheck,
                         ::testing::Values(Activation::Linear, Activation::Tanh, Activation::Relu,
                                           Activation::Relu6),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(CrossEntropy, GradientMatchesFiniteDifferencesOfUnnormalisedProbabilities) {
  // Keras normalises each sample before the log; the gradient must include that.
  // Two samples (0.2, 0.5, 0.4) and (0.7, 0.1, 0.3), stored classes x samples.
  const std::vector<double> p{0.2, 0.7, 0.5, 0.1, 0.4, 0.3};
  const std::vector<std::uint32_t> y{1, 2};
  std::vector<double> grad(6);
  const double loss = cross_entropy(p.data(), y, 2, 3, grad.data());
  EXPECT_NEAR(loss, -(std::log(0.5 / 1.1) + std::log(0.3 / 1.1)) / 2, 1e-12);
  for (std::size_t k = 0; k < p.size(); ++k) {
    std::vector<double> up = p, down = p, scratch(6);
    up[k] += 1e-7;
    down[k] -= 1e-7;
    const double numeric = (cross_entropy(up.data(), y, 2, 3, scratch.data()) -
                            cross_entropy(down.data(), y, 2, 3, scratch.data())) / 2e-7;
    EXPECT_NEAR(grad[k], numeric, 1e-6);
  }
}

TEST(CrossEntropy, ClippedProbabilityHasZeroGradientAndFiniteLoss) {
  const std::vector<double> p{0.0, 1.0};
  const std::vector<std::uint32_t> y{0};
  std::vector<double> grad(2);
  const double loss = cross_entropy(p.data(), y, 1, 2, grad.data());
  EXPECT_NEAR(loss, -std::log(1e-7), 1e-9);
  EXPECT_EQ(grad[0], 0.0);
  EXPECT_EQ(grad[1], 0.0);
}

TEST(StraightThrough, FineQuantizationGivesNearlyTheFloatGradient) {
  // With 16 bits the quantized forward pass is within 1e-4 of the float one, and the
  // straight-through backward pass must then give nearly the float gradient.
  for (const Activation hidden : {Activation::Tanh, Activation::Relu}) {
    Rng rng_a(3), rng_b(3), rng_x(4);
    QuantSpec fine;
    fine.bits = 16;
    QuantSpec off;
    off.bits = k_unquantized_bits;
    Network<double> quantized(small_spec(hidden), fine, 32, rng_a);
    Network<double> plain(small_spec(hidden), off, 32, rng_b);
    const std::vector<double> x = random_batch(32, 5, rng_x);
    std::vector<std::uint32_t> y(32);
    for (auto& label : y) label = static_cast<std::uint32_t>(rng_x.below(3));
    quantized.begin_epoch();
    const double lq = quantized.forward_backward(x.data(), y, 32);
    const double lp = plain.forward_backward(x.data(), y, 32);
    EXPECT_NEAR(lq, lp, 1e-3);
    const auto gq = quantized.gradients();
    const auto gp = plain.gradients();
    for (std::size_t k = 0; k < gq.size(); ++k) EXPECT_NEAR(gq[k], gp[k], 2e-3) << k;
  }
}

TEST(StraightThrough, ReferenceRuleZeroesGradientOutsideTheRange) {
  const QuantGrid grid = make_grid(-1.0f, 1.0f, 8, true);
  std::vector<double> a{-2.0, -0.5, 0.0, 0.99, 3.0};
  std::vector<double> g{1, 1, 1, 1, 1};
  quantize_backward(a.data(), g.data(), a.size(), grid);
  EXPECT_EQ(g, (std::vector<double>{0, 1, 1, 1, 0}));
}

TEST(Quantizer, CodesAndLevels) {
  const QuantGrid grid = make_grid(-1.0f, 1.0f, 2, false);  // levels -1, -1/3, 1/3, 1
  std::vector<float> a{-5.0f, -0.7f, -0.6f, 0.1f, 0.9f, 2.0f};
  std::vector<float> q(a.size());
  std::vector<std::uint32_t> codes(a.size());
  quantize(a.data(), q.data(), codes.data(), a.size(), grid);
  EXPECT_EQ(codes, (std::vector<std::uint32_t>{0, 0, 1, 2, 3, 3}));
  EXPECT_FLOAT_EQ(q[2], -1.0f / 3.0f);
  EXPECT_FLOAT_EQ(q[5], 1.0f);
  EXPECT_EQ(grid.max_code, 3U);
}

TEST(Quantizer, NudgedRangeHasZeroAsALevelAndEmptyRangeIsConstant) {
  const QuantGrid grid = make_grid(-0.3f, 1.7f, 8, true);
  const float z = -grid.lo / grid.step;
  EXPECT_NEAR(z, std::round(z), 1e-4);
  const QuantGrid flat = make_grid(0.5f, 0.5f, 8, false);
  float a = 3.0f, q = 0.0f;
  std::uint32_t code = 7;
  quantize(&a, &q, &code, 1, flat);
  EXPECT_EQ(code, 0U);
  EXPECT_EQ(q, 0.5f);
}

TEST(Activation, FastTanhIsAccurate) {
  for (float x = -10.0f; x <= 10.0f; x += 0.001f) {
    ASSERT_NEAR(tanh_fast(x), std::tanh(x), 3e-7) << x;  // a few float ulps
  }
}

TEST(Adam, OneStepMatchesKeras) {
  // First step: m = 0.1 g, v = 0.001 g^2, lr_t = lr sqrt(0.001) / 0.1, so the update is
  // lr * g / (|g| + eps / sqrt(0.001)) ~ lr * sign(g).
  Rng rng(1);
  QuantSpec off;
  off.bits = k_unquantized_bits;
  Network<double> net(NetworkSpec{2, {{2, Activation::Softmax}}}, off, 4, rng);
  auto& layer = net.layers()[0];
  layer.gw << 0.5, -2.0, 1e-3, 0.0;
  layer.gb << 0.25, -0.25;
  const Matrix<double> w0 = layer.w;
  AdamSpec adam;
  net.adam_step(adam);
  const double lr_t = 1e-4 * std::sqrt(1 - 0.999) / (1 - 0.9);
  for (int k = 0; k < 4; ++k) {
    const double g = layer.gw.data()[k];
    const double expected = w0.data()[k] - lr_t * (0.1 * g) / (std::sqrt(0.001 * g * g) + 1e-7);
    EXPECT_NEAR(layer.w.data()[k], expected, 1e-15);
  }
}

TEST(Init, TruncatedNormalWithStdOneOverSqrtOfOutputWidth) {
  Rng rng(11);
  QuantSpec quant;
  Network<float> net(NetworkSpec{400, {{100, Activation::Tanh}, {2, Activation::Softmax}}}, quant, 8, rng);
  const auto& w = net.layers()[0].w;
  const double stddev = 0.1;
  double sum2 = 0;
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    ASSERT_LE(std::fabs(w.data()[i]), 2 * stddev + 1e-7);
    sum2 += static_cast<double>(w.data()[i]) * w.data()[i];
  }
  // Std of a normal truncated at 2 std is 0.8796 of the untruncated one.
  EXPECT_NEAR(std::sqrt(sum2 / static_cast<double>(w.size())), 0.8796 * stddev, 0.003);
  EXPECT_TRUE(net.layers()[0].b.isZero());
}

}  // namespace
}  // namespace infoplane::nn

namespace infoplane::nn {
namespace {

TEST(WeightQuantization, ForwardUsesAtMost2ToTheKDistinctWeightsWithZeroALevel) {
  Rng rng(5);
  QuantSpec quant;
  quant.weight_bits = 3;
  Network<float> net(NetworkSpec{6, {{5, Activation::Relu}, {2, Activation::Softmax}}}, quant, 8, rng);
  std::vector<float> x(8 * 6, 0.5f);
  const std::vector<std::uint32_t> y(8, 1);
  net.begin_epoch();
  net.forward_backward(x.data(), y, 8);
  for (const auto& layer : net.layers()) {
    std::vector<float> values(layer.wq.data(), layer.wq.data() + layer.wq.size());
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    EXPECT_LE(values.size(), 8U);
    const float z = -layer.weight_grid.lo / layer.weight_grid.step;
    EXPECT_NEAR(z, std::round(z), 1e-4);
    EXPECT_FALSE(layer.wq.isApprox(layer.w));
  }
}

TEST(ReferenceRule, MovingAverageRangeStartsAtPlusMinus6AndMovesSlowly) {
  Rng rng(5);
  QuantSpec quant;
  quant.rule = RangeRule::Reference;
  Network<float> net(NetworkSpec{3, {{4, Activation::Relu}, {2, Activation::Softmax}}}, quant, 4, rng);
  std::vector<float> x(4 * 3, 0.25f);
  const std::vector<std::uint32_t> y{0, 1, 0, 1};
  net.forward_backward(x.data(), y, 4);
  const auto& out = net.layers().back();
  // One batch: 0.1% of the way from [-6, 6] towards [min(p, 0), max(p, 0)] = [0, <=1].
  EXPECT_NEAR(out.ema_lo, -6.0f * 0.999f, 1e-5);
  EXPECT_LT(out.ema_hi, 6.0f * 0.999f + 0.001f + 1e-5);
  EXPECT_GT(out.ema_hi, 6.0f * 0.999f);
  // relu and softmax layers get k-bit weights under the reference rule.
  EXPECT_EQ(net.layers()[0].weight_bits, 8);
  const QuantGrid grid = net.evaluation_grid(1);
  EXPECT_NEAR(grid.lo + 255 * grid.step, grid.hi, 1e-5);
}

}  // namespace
}  // namespace infoplane::nn
