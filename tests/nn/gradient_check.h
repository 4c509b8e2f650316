/// @brief Test helper: finite-difference check of a network's parameter gradients.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/nn/network.h"

namespace infoplane::nn::testing {

/// Central finite differences of the mean loss against every parameter; x is a batch of
/// y.size() samples, features x samples.
inline void expect_gradients_match(Network<double>& net, const std::vector<double>& x,
                                   const std::vector<std::uint32_t>& y, double tolerance) {
  const std::size_t n = y.size();
  net.forward_backward(x.data(), y, n);
  const std::vector<double> analytic = net.gradients();
  std::vector<double> params = net.parameters();
  constexpr double h = 1e-6;
  for (std::size_t k = 0; k < params.size(); ++k) {
    const double saved = params[k];
    params[k] = saved + h;
    net.set_parameters(params);
    const double up = net.forward_backward(x.data(), y, n);
    params[k] = saved - h;
    net.set_parameters(params);
    const double down = net.forward_backward(x.data(), y, n);
    params[k] = saved;
    const double numeric = (up - down) / (2 * h);
    EXPECT_NEAR(analytic[k], numeric, tolerance * std::max(1.0, std::fabs(numeric))) << "parameter " << k;
  }
  net.set_parameters(params);
}

}  // namespace infoplane::nn::testing
