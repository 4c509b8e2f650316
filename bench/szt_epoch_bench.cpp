/// @brief One SZT epoch (12-10-7-5-4-3-2, 8 bits, batch 256, Adam): training, the exact
/// evaluation pass of all 7 layers, and both together, on one core.
#include <benchmark/benchmark.h>

#include "infoplane/experiment/config.h"
#include "infoplane/experiment/evaluation.h"
#include "infoplane/experiment/runner.h"
#include "infoplane/random.h"

namespace {

using namespace infoplane;

struct SztFixture {
  experiment::Config config;
  data::Dataset dataset;
  Rng rng{1};
  nn::Network<float> network;
  experiment::Evaluator evaluator;
  experiment::EpochTrainer trainer;

  explicit SztFixture(const std::string& activation)
      : config(make_config(activation)),
        dataset(experiment::load_dataset(config)),
        network(config.network_spec(12, 2), config.quant_spec(), 256, rng),
        evaluator(dataset),
        trainer(dataset, 256) {
    for (int e = 0; e < 50; ++e) train_epoch();  // past the first, all-distinct epochs
  }

  static experiment::Config make_config(const std::string& activation) {
    experiment::Config c = experiment::parse_config("", "bench.toml");
    c.network.activation = activation;
    return c;
  }

  void train_epoch() { trainer.train_epoch(network, config.training.adam, rng); }
};

void BM_SztTrainEpoch(benchmark::State& state, const char* activation) {
  SztFixture f(activation);
  for (auto _ : state) f.train_epoch();
}

void BM_SztEvaluationPass(benchmark::State& state, const char* activation) {
  SztFixture f(activation);
  for (auto _ : state) benchmark::DoNotOptimize(f.evaluator.evaluate(f.network, true));
}

void BM_SztEpochTotal(benchmark::State& state, const char* activation) {
  SztFixture f(activation);
  for (auto _ : state) {
    f.train_epoch();
    benchmark::DoNotOptimize(f.evaluator.evaluate(f.network, true));
  }
}

void BM_SztEvaluationFullPath(benchmark::State& state, const char* activation) {
  SztFixture f(activation);
  for (auto _ : state) benchmark::DoNotOptimize(f.evaluator.evaluate_full(f.network, true));
}

BENCHMARK_CAPTURE(BM_SztTrainEpoch, tanh, "tanh")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SztEvaluationPass, tanh, "tanh")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SztEpochTotal, tanh, "tanh")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SztEvaluationFullPath, tanh, "tanh")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SztTrainEpoch, relu, "relu")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SztEvaluationPass, relu, "relu")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SztEpochTotal, relu, "relu")->Unit(benchmark::kMicrosecond);

}  // namespace
