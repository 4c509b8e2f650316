/// @brief Convolution, max pooling and flatten: fast kernels against the plain-loop
/// references, and finite-difference gradients of networks built from them.
#include <array>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "infoplane/nn/conv2d.h"
#include "infoplane/nn/dense.h"
#include "infoplane/nn/network.h"
#include "infoplane/nn/pool.h"
#include "infoplane/random.h"
#include "gradient_check.h"

namespace infoplane::nn {
namespace {

template <typename S>
std::vector<S> random_values(std::size_t n, Rng& rng) {
  std::vector<S> v(n);
  for (S& x : v) x = static_cast<S>(rng.normal());
  return v;
}

/// Transposes a rows x cols row-major matrix.
template <typename S>
std::vector<S> transpose(const std::vector<S>& m, std::size_t rows, std::size_t cols) {
  std::vector<S> t(m.size());
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) t[c * rows + r] = m[r * cols + c];
  }
  return t;
}

TEST(Dense, BlockedKernelsEqualTheReferencesBitForBit) {
  Rng rng(2);
  // Shapes with every kind of remainder: outputs not a multiple of 4 or 2, inputs not a
  // multiple of 4, samples not a multiple of 16.
  // Samples not a multiple of 32 (the AVX-512 block) either, and output groups of every size.
  for (const auto [n, d_in, d_out] : {std::array<std::size_t, 3>{256, 784, 16}, {37, 13, 7}, {16, 5, 3},
                                      {250, 9, 10}, {5, 4, 2}, {100, 12, 1}, {96, 784, 10},
                                      {70, 16, 12}, {33, 6, 9}, {64, 3, 23}, {48, 2, 4}}) {
    const std::vector<float> x = random_values<float>(n * d_in, rng);
    const std::vector<float> w = random_values<float>(d_in * d_out, rng);
    const std::vector<float> b = random_values<float>(d_out, rng);
    const std::vector<float> g = random_values<float>(n * d_out, rng);
    std::vector<float> z1(n * d_out), z2(n * d_out), gw1(d_in * d_out), gw2(d_in * d_out);
    dense_forward(x.data(), n, d_in, w.data(), b.data(), d_out, z1.data());
    dense_forward_naive(x.data(), n, d_in, w.data(), b.data(), d_out, z2.data());
    EXPECT_EQ(z1, z2) << n << " " << d_in << " " << d_out;
    dense_weight_gradient(x.data(), g.data(), n, d_in, d_out, gw1.data());
    dense_weight_gradient_naive(x.data(), g.data(), n, d_in, d_out, gw2.data());
    EXPECT_EQ(gw1, gw2) << n << " " << d_in << " " << d_out;
  }
}

TEST(Conv2D, FastKernelEqualsTheNaiveReferenceBitForBit) {
  Rng rng(3);
  // 70 samples: one full block of 64 and a tail; 600: a chunk of 512 and a partial one;
  // output channels in pairs and an odd one.
  for (const auto [n, c_out] : {std::array<std::size_t, 2>{70, 4}, {600, 3}, {10, 1}}) {
    const MapShape in{3, 9, 8};
    const std::size_t k = 3;
    const MapShape out = conv2d_output(in, c_out, k);
    EXPECT_EQ(out.size(), c_out * 7U * 6U);
    const std::vector<float> x_rows = random_values<float>(n * in.size(), rng);
    const std::vector<float> w = random_values<float>(in.channels * k * k * c_out, rng);
    const std::vector<float> b = random_values<float>(c_out, rng);
    std::vector<float> z_naive(n * out.size());
    conv2d_forward_naive(x_rows.data(), n, in, w.data(), b.data(), c_out, k, z_naive.data());
    const std::vector<float> x_cols = transpose(x_rows, n, in.size());
    std::vector<float> z_fast(n * out.size());
    conv2d_forward(x_cols.data(), n, in, w.data(), b.data(), c_out, k, z_fast.data());
    EXPECT_EQ(transpose(z_fast, out.size(), n), z_naive) << n << " " << c_out;
  }
}

TEST(Conv2D, BackwardAgreesWithTheNaiveReference) {
  Rng rng(4);
  const std::size_t n = 37;
  const MapShape in{2, 6, 7};
  const std::size_t c_out = 3, k = 2;
  const MapShape out = conv2d_output(in, c_out, k);
  const std::vector<double> x = random_values<double>(n * in.size(), rng);
  const std::vector<double> g = random_values<double>(n * out.size(), rng);
  const std::vector<double> w = random_values<double>(in.channels * k * k * c_out, rng);
  std::vector<double> gw1(w.size()), gb1(c_out), gi1(x.size()), gw2(w.size()), gb2(c_out), gi2(x.size());
  conv2d_backward_naive(x.data(), g.data(), n, in, w.data(), c_out, k, gw1.data(), gb1.data(), gi1.data());
  conv2d_backward(transpose(x, n, in.size()).data(), transpose(g, n, out.size()).data(), n, in, w.data(), c_out,
                  k, gw2.data(), gb2.data(), gi2.data());
  for (std::size_t i = 0; i < w.size(); ++i) EXPECT_NEAR(gw1[i], gw2[i], 1e-10);
  for (std::size_t i = 0; i < c_out; ++i) EXPECT_NEAR(gb1[i], gb2[i], 1e-10);
  const std::vector<double> gi2_rows = transpose(gi2, in.size(), n);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(gi1[i], gi2_rows[i], 1e-10);
}

TEST(MaxPool2D, FastKernelEqualsTheNaiveReferenceAndRoutesGradientsToTheMaximum) {
  Rng rng(5);
  const std::size_t n = 19;
  const MapShape in{2, 7, 6};  // odd height: the last row is dropped (valid pooling)
  const std::size_t k = 2;
  const MapShape out = maxpool_output(in, k);
  EXPECT_EQ(out.size(), 2U * 3U * 3U);
  std::vector<float> x_rows = random_values<float>(n * in.size(), rng);
  x_rows[0] = x_rows[1];  // a tie: the first in scan order wins
  std::vector<float> y_naive(n * out.size());
  maxpool_forward_naive(x_rows.data(), n, in, k, y_naive.data());
  const std::vector<float> x_cols = transpose(x_rows, n, in.size());
  std::vector<float> y_fast(n * out.size());
  std::vector<std::uint32_t> arg(n * out.size());
  maxpool_forward(x_cols.data(), n, in, k, y_fast.data(), arg.data());
  EXPECT_EQ(transpose(y_fast, out.size(), n), y_naive);
  for (std::size_t o = 0; o < out.size(); ++o) {
    for (std::size_t r = 0; r < n; ++r) EXPECT_EQ(x_cols[arg[o * n + r] * n + r], y_fast[o * n + r]);
  }
  std::vector<float> g(n * out.size(), 1.0f), g_in(n * in.size());
  maxpool_backward(g.data(), arg.data(), n, in, k, g_in.data());
  double total = 0;
  for (const float v : g_in) total += v;
  EXPECT_EQ(total, static_cast<double>(n * out.size()));
  // Inputs of the dropped last row get no gradient.
  for (std::size_t c = 0; c < 2; ++c) {
    for (std::size_t x = 0; x < 6; ++x) {
      for (std::size_t r = 0; r < n; ++r) EXPECT_EQ(g_in[((c * 7 + 6) * 6 + x) * n + r], 0.0f);
    }
  }
}

using testing::expect_gradients_match;

class ConvGradient : public ::testing::TestWithParam<Activation> {};

TEST_P(ConvGradient, ConvPoolFlattenDenseMatchesFiniteDifferences) {
  Rng rng(8);
  QuantSpec quant;
  quant.bits = k_unquantized_bits;
  const Activation act = GetParam();
  NetworkSpec spec{2 * 7 * 7,
                   {{3, act, LayerKind::Conv2D, 3},
                    {2, act, LayerKind::Conv2D, 2},
                    {0, act, LayerKind::MaxPool2D, 2},
                    {0, act, LayerKind::Flatten, 0},
                    {4, act},
                    {3, Activation::Softmax}},
                   {2, 7, 7}};
  Network<double> net(spec, quant, 12, rng);
  ASSERT_EQ(net.layers()[2].n_out, 2U * 2U * 2U);
  ASSERT_EQ(net.layers()[4].n_in, 8U);
  std::vector<double> params = net.parameters();
  for (double& p : params) p += 0.05 * rng.normal();
  net.set_parameters(params);
  const std::vector<double> x = random_values<double>(12 * spec.n_inputs, rng);
  std::vector<std::uint32_t> y(12);
  for (auto& label : y) label = static_cast<std::uint32_t>(rng.below(3));
  expect_gradients_match(net, x, y, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Activations, ConvGradient,
                         ::testing::Values(Activation::Tanh, Activation::Relu, Activation::Linear),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(ConvNetwork, QuantizedTrainingStepKeepsPooledValuesOnTheConvGrid) {
  Rng rng(9);
  QuantSpec quant;
  quant.bits = 4;
  NetworkSpec spec{36, {{2, Activation::Relu, LayerKind::Conv2D, 3}, {0, Activation::Relu, LayerKind::MaxPool2D, 2},
                        {0, Activation::Relu, LayerKind::Flatten, 0}, {2, Activation::Softmax}}, {1, 6, 6}};
  Network<float> net(spec, quant, 8, rng);
  const std::vector<float> x = random_values<float>(8 * 36, rng);
  const std::vector<std::uint32_t> y{0, 1, 0, 1, 1, 0, 0, 1};
  net.begin_epoch();
  const float loss = net.train_batch(x.data(), y, 8, AdamSpec{});
  EXPECT_TRUE(std::isfinite(loss));
  const auto& conv = net.layers()[0];
  const auto& pool = net.layers()[1];
  const QuantGrid grid = net.evaluation_grid(1);
  EXPECT_EQ(grid.lo, conv.grid.lo);
  for (std::size_t i = 0; i < pool.n_out * 8; ++i) {
    const float code = (pool.q[i] - grid.lo) / grid.step;
    EXPECT_NEAR(code, std::round(code), 1e-3);
  }
  EXPECT_EQ(net.n_parameters(), 2U * 9U + 2U + 8U * 2U + 2U);
}

TEST(LayerShapes, KernelsThatDoNotFitAreInputErrors) {
  NetworkSpec spec{16, {{2, Activation::Relu, LayerKind::Conv2D, 5}, {2, Activation::Softmax}}, {1, 4, 4}};
  EXPECT_THROW(layer_shapes(spec), InputError);
  spec.layers[0] = {0, Activation::Relu, LayerKind::MaxPool2D, 3};
  EXPECT_EQ(layer_shapes(spec)[0].size(), 1U);
}

}  // namespace
}  // namespace infoplane::nn
