/// @brief Benchmarks of the classic estimators on layer-like activations: binning,
/// adaptive binning, KDE bounds and kNN (Ross) at SZT size (N = 4096) and MNIST size
/// (N = 70000), layer widths 2 to 16; plus KSG on two continuous samples.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "infoplane/info/estimator.h"
#include "infoplane/info/kde.h"
#include "infoplane/info/ksg.h"

namespace {

using infoplane::info::ActivationView;
using infoplane::info::LayerContext;
using infoplane::info::PlaneMi;

/// A tanh layer of width d driven by 3 latent Gaussian factors (a low intrinsic dimension,
/// as in trained networks), with 10 labels that depend on the first factor.
struct Layer {
  std::vector<float> values;
  std::vector<std::uint32_t> labels;
  std::size_t n_rows = 0, n_cols = 0;
  ActivationView view() const { return {values.data(), n_rows, n_cols}; }
};

Layer make_layer(std::size_t n, std::size_t d) {
  std::mt19937_64 gen(1);
  std::normal_distribution<float> g(0.f, 1.f);
  Layer l{std::vector<float>(n * d), std::vector<std::uint32_t>(n), n, d};
  std::vector<float> w(3 * d);
  for (float& v : w) v = g(gen);
  for (std::size_t i = 0; i < n; ++i) {
    const float z[3] = {g(gen), g(gen), g(gen)};
    for (std::size_t c = 0; c < d; ++c) {
      float a = 0.1f * g(gen);
      for (std::size_t k = 0; k < 3; ++k) a += w[k * d + c] * z[k];
      l.values[i * d + c] = std::tanh(a);
    }
    l.labels[i] = static_cast<std::uint32_t>(std::clamp(std::floor((z[0] + 2.5f) * 2.f), 0.f, 9.f));
  }
  return l;
}

void run_estimator(benchmark::State& state, const std::string& spec) {
  const Layer layer = make_layer(static_cast<std::size_t>(state.range(0)),
                                 static_cast<std::size_t>(state.range(1)));
  const auto estimator = infoplane::info::make_estimator(spec);
  const LayerContext context{"tanh", infoplane::info::ValueRange{-1.0, 1.0}};
  PlaneMi mi{};
  for (auto _ : state) {
    mi = estimator->estimate(layer.view(), layer.labels, 10, context);
    benchmark::DoNotOptimize(mi);
  }
  state.counters["i_xt"] = mi.i_xt;
  state.counters["i_ty"] = mi.i_ty;
}

void BM_Binning30(benchmark::State& state) { run_estimator(state, "binning:30"); }
void BM_Binning100Layer(benchmark::State& state) { run_estimator(state, "binning:100,bounds=layer"); }
void BM_Adaptive30(benchmark::State& state) { run_estimator(state, "adaptive:30"); }
void BM_KdeUpper(benchmark::State& state) { run_estimator(state, "kde:var=0.001"); }
void BM_KsgRoss(benchmark::State& state) { run_estimator(state, "ksg:k=3"); }

void sizes(benchmark::internal::Benchmark* b) {
  for (const int n : {4096, 70000})
    for (const int d : {2, 4, 8, 16}) b->Args({n, d});
}

BENCHMARK(BM_Binning30)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Binning100Layer)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Adaptive30)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KsgRoss)->Apply(sizes)->Unit(benchmark::kMillisecond);
// N = 70000 takes seconds per estimate: one iteration.
BENCHMARK(BM_KdeUpper)->Args({4096, 2})->Args({4096, 4})->Args({4096, 8})->Args({4096, 16})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KdeUpper)->Args({70000, 2})->Args({70000, 16})->Iterations(1)
    ->Unit(benchmark::kSecond);

/// KSG on two continuous samples: x of width d, y a noisy function of x's first column.
void BM_KsgPair(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::size_t d = static_cast<std::size_t>(state.range(1));
  const int alg = static_cast<int>(state.range(2));
  std::vector<double> x(n * d, 0.0), y(n, 0.0);
  infoplane::info::ksg_preprocess(x, n, d, false, 1.0, 7);
  infoplane::info::ksg_preprocess(y, n, 1, false, 0.5, 8);
  for (std::size_t i = 0; i < n; ++i) y[i] += x[i * d];
  double mi = 0.0;
  for (auto _ : state) {
    mi = infoplane::info::ksg_mi({x.data(), n, d}, {y.data(), n, 1}, 3, alg);
    benchmark::DoNotOptimize(mi);
  }
  state.counters["nats"] = mi;
}
BENCHMARK(BM_KsgPair)->Args({4096, 1, 1})->Args({4096, 1, 2})->Args({70000, 1, 1})
    ->Args({70000, 4, 1})->Args({70000, 4, 2})->Unit(benchmark::kMillisecond);

}  // namespace
