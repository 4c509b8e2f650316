/// @brief One MNIST epoch of each of the paper's networks (8 bits, batch 256, Adam), on one
/// core: training on the 60000 training images, and the exact evaluation pass over all
/// 70000 (every layer's I(X;T), I(T;Y), the accuracies).
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "infoplane/data/mnist.h"
#include "infoplane/experiment/config.h"
#include "infoplane/experiment/evaluation.h"
#include "infoplane/experiment/runner.h"
#include "infoplane/nn/dense.h"
#include "infoplane/random.h"

namespace {

using namespace infoplane;

const data::Dataset& mnist() {
  static const data::Dataset d = data::load_mnist();
  return d;
}

struct MnistFixture {
  experiment::Config config;
  Rng rng{1};
  nn::Network<float> network;
  experiment::Evaluator evaluator;
  experiment::EpochTrainer trainer;

  explicit MnistFixture(const std::string& architecture)
      : config(make_config(architecture)),
        network(config.network_spec(784, 10, mnist().image_shape), config.quant_spec(), 256, rng),
        evaluator(mnist()),
        trainer(mnist(), 256) {
    train_epoch();  // past the first, untrained epoch
  }

  static experiment::Config make_config(const std::string& architecture) {
    return experiment::parse_config("[data]\ndataset = \"mnist\"\n[network]\narchitecture = \"" + architecture + "\"\n",
                                    "bench.toml");
  }

  void train_epoch() { trainer.train_epoch(network, config.training.adam, rng); }
};

/// One fixture per architecture, shared by its benchmarks (building the evaluator's input
/// states takes a second).
MnistFixture& fixture(const std::string& architecture) {
  static std::map<std::string, std::unique_ptr<MnistFixture>> fixtures;
  auto& f = fixtures[architecture];
  if (!f) f = std::make_unique<MnistFixture>(architecture);
  return *f;
}

void BM_MnistTrainEpoch(benchmark::State& state, const char* architecture) {
  MnistFixture& f = fixture(architecture);
  for (auto _ : state) f.train_epoch();
}

void BM_MnistEvaluationPass(benchmark::State& state, const char* architecture) {
  MnistFixture& f = fixture(architecture);
  for (auto _ : state) benchmark::DoNotOptimize(f.evaluator.evaluate(f.network, true));
}

#define MNIST_BENCH(name, arch)                                                                  \
  BENCHMARK_CAPTURE(BM_MnistTrainEpoch, name, arch)->Unit(benchmark::kMillisecond)->MinTime(2); \
  BENCHMARK_CAPTURE(BM_MnistEvaluationPass, name, arch)->Unit(benchmark::kMillisecond)->MinTime(2);
MNIST_BENCH(bottleneck2, "bottleneck-2")
MNIST_BENCH(bottleneck4, "bottleneck-4")
MNIST_BENCH(hourglass, "hourglass")
MNIST_BENCH(4x10, "4x10")
MNIST_BENCH(conv, "conv")

}  // namespace

namespace {

/// The first layer's kernels of a Bottleneck-2 training batch (784 inputs, 16 outputs, 256
/// samples): blocked against the reference; items = multiply-adds.
template <bool k_naive>
void BM_DenseForward784x16(benchmark::State& state) {
  Rng rng(3);
  std::vector<float> x(784 * 256), w(784 * 16), b(16), z(16 * 256);
  for (float& v : x) v = static_cast<float>(rng.uniform());
  for (float& v : w) v = static_cast<float>(rng.normal());
  for (auto _ : state) {
    if (k_naive) {
      nn::dense_forward_naive(x.data(), 256, 784, w.data(), b.data(), 16, z.data());
    } else {
      nn::dense_forward(x.data(), 256, 784, w.data(), b.data(), 16, z.data());
    }
    benchmark::DoNotOptimize(z.data());
  }
  state.SetItemsProcessed(state.iterations() * 784 * 16 * 256);
}

template <bool k_naive>
void BM_DenseWeightGradient784x16(benchmark::State& state) {
  Rng rng(3);
  std::vector<float> x(784 * 256), g(16 * 256), gw(784 * 16);
  for (float& v : x) v = static_cast<float>(rng.uniform());
  for (float& v : g) v = static_cast<float>(rng.normal());
  for (auto _ : state) {
    if (k_naive) {
      nn::dense_weight_gradient_naive(x.data(), g.data(), 256, 784, 16, gw.data());
    } else {
      nn::dense_weight_gradient(x.data(), g.data(), 256, 784, 16, gw.data());
    }
    benchmark::DoNotOptimize(gw.data());
  }
  state.SetItemsProcessed(state.iterations() * 784 * 16 * 256);
}

BENCHMARK_TEMPLATE(BM_DenseForward784x16, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_DenseForward784x16, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_DenseWeightGradient784x16, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_DenseWeightGradient784x16, true)->Unit(benchmark::kMicrosecond);

}  // namespace
