/// @brief Benchmarks of exact state counting and H, I: SZT layer sizes, an MNIST conv layer, and the naive reference.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <vector>

#include "infoplane/data/csv.h"
#include "infoplane/info/entropy.h"

namespace {

using infoplane::info::CodeMatrixView;
using infoplane::info::DiscreteInfo;
using infoplane::info::StateCounter;

constexpr std::size_t k_szt_rows = 4096;
constexpr std::uint32_t k_max_code = 255;  // 8-bit codes
constexpr int k_szt_widths[] = {12, 10, 7, 5, 4, 3, 2};

struct Layer {
  std::vector<std::uint32_t> codes;
  std::size_t n_rows = 0;
  std::size_t n_cols = 0;
  CodeMatrixView view() const { return {codes.data(), n_rows, n_cols}; }
};

/// Codes of the hidden layers 12-10-7-5-4-3-2 of a random tanh network on the 4096 SZT
/// inputs, each layer quantized to 8 bits on [-1, 1] and fed forward quantized, so that
/// narrow layers have the duplicate structure of a real run.
const std::map<int, Layer>& szt_layers() {
  static const std::map<int, Layer> layers = [] {
    std::map<int, Layer> out;
    std::mt19937_64 rng(12);
    std::vector<double> input(k_szt_rows * 12);
    for (std::size_t i = 0; i < k_szt_rows; ++i) {
      for (std::size_t j = 0; j < 12; ++j) input[i * 12 + j] = ((i >> (11 - j)) & 1U) ? 1.0 : -1.0;
    }
    std::size_t fan_in = 12;
    for (const int width : k_szt_widths) {
      const auto n_out = static_cast<std::size_t>(width);
      std::normal_distribution<double> weight(0.0, 1.5 / std::sqrt(static_cast<double>(fan_in)));
      std::vector<double> w(fan_in * n_out);
      std::vector<double> b(n_out);
      for (auto& v : w) v = weight(rng);
      for (auto& v : b) v = 0.1 * weight(rng);
      Layer layer{std::vector<std::uint32_t>(k_szt_rows * n_out), k_szt_rows, n_out};
      std::vector<double> next(k_szt_rows * n_out);
      for (std::size_t i = 0; i < k_szt_rows; ++i) {
        for (std::size_t k = 0; k < n_out; ++k) {
          double a = b[k];
          for (std::size_t j = 0; j < fan_in; ++j) a += w[j * n_out + k] * input[i * fan_in + j];
          const auto code = static_cast<std::uint32_t>(std::lround((std::tanh(a) + 1.0) * 127.5));
          layer.codes[i * n_out + k] = code;
          next[i * n_out + k] = code / 127.5 - 1.0;
        }
      }
      out.emplace(width, std::move(layer));
      input = std::move(next);
      fan_in = n_out;
    }
    return out;
  }();
  return layers;
}

const std::vector<std::uint32_t>& szt_labels() {
  static const std::vector<std::uint32_t> labels = [] {
    const auto raw = infoplane::data::read_label_file(std::filesystem::path(INFOPLANE_DATA_DIR) /
                                                      "szt" / "labels.txt");
    std::vector<std::uint32_t> dense;
    infoplane::data::remap_labels(raw, dense);
    return dense;
  }();
  return labels;
}

/// 70000 x 1352 codes (a 13x13x8 conv layer over MNIST), 8 bits, ReLU-like: about 60% of
/// the codes are 0. 2% of the rows repeat an earlier row exactly and 3% repeat one with a
/// single code changed; the rest are distinct, as in a real evaluation pass.
const Layer& mnist_conv_layer() {
  static const Layer layer = [] {
    constexpr std::size_t n_rows = 70000;
    constexpr std::size_t n_cols = 1352;
    Layer out{std::vector<std::uint32_t>(n_rows * n_cols), n_rows, n_cols};
    std::mt19937_64 rng(70000);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<std::uint32_t> code(1, k_max_code);
    for (std::size_t i = 0; i < n_rows; ++i) {
      std::uint32_t* row = out.codes.data() + i * n_cols;
      const double u = unit(rng);
      if (i > 0 && u < 0.05) {
        const std::uint32_t* earlier = out.codes.data() + (rng() % i) * n_cols;
        std::copy(earlier, earlier + n_cols, row);
        if (u >= 0.02) row[rng() % n_cols] = code(rng);
        continue;
      }
      for (std::size_t j = 0; j < n_cols; ++j) row[j] = unit(rng) < 0.6 ? 0 : code(rng);
    }
    return out;
  }();
  return layer;
}

void report(benchmark::State& state, std::size_t n_rows, std::size_t n_states) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n_rows));
  state.counters["states"] = static_cast<double>(n_states);
  // Seconds per row, shown with an SI prefix (e.g. "6.2ns").
  state.counters["per_row"] = benchmark::Counter(
      static_cast<double>(n_rows),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

/// One layer's per-epoch work: state ids, then H(T), H(Y), I(T;Y).
void run_counter(benchmark::State& state, const Layer& layer,
                 const std::vector<std::uint32_t>& labels, std::size_t n_classes) {
  StateCounter counter;
  std::vector<std::uint32_t> ids(layer.n_rows);
  std::vector<std::uint32_t> scratch;
  std::size_t n_states = 0;
  for (auto _ : state) {
    n_states = counter.assign(layer.view(), ids, k_max_code);
    const DiscreteInfo info =
        infoplane::info::info_from_ids(ids, n_states, labels, n_classes, scratch);
    benchmark::DoNotOptimize(info);
  }
  report(state, layer.n_rows, n_states);
}

void BM_EntropySztStateCounter(benchmark::State& state) {
  run_counter(state, szt_layers().at(static_cast<int>(state.range(0))), szt_labels(), 2);
}

void BM_EntropySztNaive(benchmark::State& state) {
  const Layer& layer = szt_layers().at(static_cast<int>(state.range(0)));
  std::size_t n_states = 0;
  for (auto _ : state) {
    const DiscreteInfo info = infoplane::info::mi_exact_naive(layer.view(), szt_labels(), 2);
    n_states = info.n_states;
    benchmark::DoNotOptimize(info);
  }
  report(state, layer.n_rows, n_states);
}

std::vector<std::uint32_t> mnist_labels() {
  std::vector<std::uint32_t> labels(70000);
  std::mt19937_64 rng(10);
  for (auto& y : labels) y = static_cast<std::uint32_t>(rng() % 10);
  return labels;
}

void BM_EntropyMnistConvStateCounter(benchmark::State& state) {
  run_counter(state, mnist_conv_layer(), mnist_labels(), 10);
}

void BM_EntropyMnistConvNaive(benchmark::State& state) {
  const Layer& layer = mnist_conv_layer();
  const std::vector<std::uint32_t> labels = mnist_labels();
  std::size_t n_states = 0;
  for (auto _ : state) {
    const DiscreteInfo info = infoplane::info::mi_exact_naive(layer.view(), labels, 10);
    n_states = info.n_states;
    benchmark::DoNotOptimize(info);
  }
  report(state, layer.n_rows, n_states);
}

BENCHMARK(BM_EntropySztStateCounter)->Arg(2)->Arg(3)->Arg(4)->Arg(5)->Arg(7)->Arg(10)->Arg(12)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EntropySztNaive)->Arg(2)->Arg(3)->Arg(4)->Arg(5)->Arg(7)->Arg(10)->Arg(12)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EntropyMnistConvStateCounter)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EntropyMnistConvNaive)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
