/// @brief k-nearest-neighbour estimators of mutual information (max-norm):
/// Kraskov, Stoegbauer & Grassberger, "Estimating mutual information", Phys. Rev. E 69,
/// 066138 (2004), algorithms 1 and 2; Ross, "Mutual information between discrete and
/// continuous data sets", PLoS ONE 9(2):e87357 (2014), for a discrete label.
///
/// Distances are max-norms: ||z - z'|| = max(||x - x'||, ||y - y'||), each marginal norm
/// itself the max over its coordinates. With N samples and psi the digamma function:
///   KSG-1: I = psi(k) + psi(N) - < psi(n_x + 1) + psi(n_y + 1) >, eps_i = distance to the
///          k-th neighbour of z_i, n_x = #{j != i : ||x_j - x_i|| < eps_i} (strict), same n_y;
///   KSG-2: I = psi(k) - 1/k + psi(N) - < psi(n_x) + psi(n_y) >, eps_x(i) = max over the k
///          nearest neighbours of ||x_j - x_i|| (same for y), n_x = #{j != i : ||x_j - x_i||
///          <= eps_x(i)} (non-strict), same n_y;
///   Ross:  I(T;Y) = psi(N) - < psi(N_{y_i}) > + psi(k) - < psi(m_i) >, d_i = distance to the
///          k-th nearest neighbour of t_i among the samples of its class, m_i = 1 + #{j != i :
///          ||t_j - t_i|| < d_i} over all samples. As in scikit-learn's implementation, a
///          class of one sample is left out and a class of N_y <= k samples uses k = N_y - 1.
/// Results in nats (divide by ln 2 for bits). Ties are not broken unless noise is asked for.
/// Neighbour searches use a k-d tree: about O(N log N) for low intrinsic dimension.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace infoplane::info {

struct KsgOptions {
  std::uint32_t k = 3;
  int algorithm = 1;       ///< 1 or 2 (only for two continuous variables)
  bool normalize = false;  ///< rescale every column to mean 0, standard deviation 1
  double noise = 0.0;      ///< standard deviation of Gaussian noise added to every value
  std::uint64_t seed = 0;  ///< seed of that noise
};

/// Read-only view of a row-major double matrix: n_rows samples x n_cols coordinates.
struct SampleView {
  const double* data = nullptr;
  std::size_t n_rows = 0;
  std::size_t n_cols = 0;
  const double* row(std::size_t i) const { return data + i * n_cols; }
};

/// Digamma function psi(x) for x > 0 (recurrence to x >= 6, then the asymptotic series;
/// absolute error below 1e-14).
double digamma(double x);

/// In place: optional standardisation of every column (population standard deviation;
/// constant columns are only centred) and optional N(0, noise^2) noise from a generator
/// seeded with `seed` (mt19937_64 + Box-Muller: the same values on every platform).
void ksg_preprocess(std::span<double> values, std::size_t n_rows, std::size_t n_cols,
                    bool normalize, double noise, std::uint64_t seed);

/// KSG estimate of I(X;Y) in nats; x and y have the same n_rows >= k + 1.
double ksg_mi(SampleView x, SampleView y, std::uint32_t k, int algorithm);

/// Brute-force O(N^2) reference of ksg_mi (same tie rules); for tests.
double ksg_mi_naive(SampleView x, SampleView y, std::uint32_t k, int algorithm);

/// Ross's estimate of I(T;Y) in nats for continuous T and labels in [0, n_classes).
double mixed_mi(SampleView t, std::span<const std::uint32_t> labels, std::size_t n_classes,
                std::uint32_t k);

/// Brute-force O(N^2) reference of mixed_mi; for tests.
double mixed_mi_naive(SampleView t, std::span<const std::uint32_t> labels,
                      std::size_t n_classes, std::uint32_t k);

}  // namespace infoplane::info
