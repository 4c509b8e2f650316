/// @brief Memory estimate of a run and the memory available to this process.
#include "infoplane/experiment/memory.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/info/spec.h"

namespace infoplane::experiment {

namespace {

constexpr double k_float = sizeof(float);
constexpr double k_eval_chunk = 128;  // samples per chunk of the evaluation pass (evaluation.cpp)

/// The first number in a file (cgroup files hold one, or "max"); nullopt when unreadable.
std::optional<double> read_number(const char* path) {
  std::ifstream in(path);
  double value = 0;
  if (!(in >> value)) return std::nullopt;
  return value;
}

}  // namespace

MemoryEstimate estimate_memory(const Config& config, const nn::NetworkSpec& spec, std::size_t n_samples,
                               std::size_t threads) {
  MemoryEstimate m;
  m.threads = std::max<std::size_t>(threads, 1);
  const std::vector<nn::MapShape> shapes = nn::layer_shapes(spec);
  const double n = static_cast<double>(n_samples);
  const double batch = static_cast<double>(config.training.batch_size);
  const int bits = config.quantization.bits;
  const double code_bytes = bits <= 8 ? 1 : bits <= 16 ? 2 : 4;
  double in = static_cast<double>(spec.n_inputs);
  double in_channels = static_cast<double>(spec.input_shape.channels == 0 ? 1 : spec.input_shape.channels);
  double widest = 0, all_widths = 0;
  for (std::size_t l = 0; l < spec.layers.size(); ++l) {
    const nn::LayerSpec& layer = spec.layers[l];
    const double out = static_cast<double>(shapes[l].size());
    if (layer.kind == nn::LayerKind::Dense || layer.kind == nn::LayerKind::Conv2D) {
      const double k = static_cast<double>(layer.kernel);
      const double fan_in = layer.kind == nn::LayerKind::Conv2D ? in_channels * k * k : in;
      const double width = static_cast<double>(layer.width);
      // w, its quantized copy, gradient, Adam's m and v; the bias without a quantized copy.
      m.network += (5 * fan_in * width + 4 * width) * k_float;
      m.batch += 3 * batch * out * k_float;  // pre-activations, activations, the dense backward's scratch
    }
    m.batch += 3 * batch * out * k_float;  // quantized outputs, gradients, max-pool arg-max
    widest = std::max(widest, out);
    all_widths += out;
    in = out;
    in_channels = static_cast<double>(shapes[l].channels);
  }
  // Two layers' state codes of every sample, the state counter's table, the chunk buffers.
  m.evaluation = 2 * n * widest * code_bytes + 16 * n + 5 * k_eval_chunk * widest * k_float;
  const bool estimators = std::any_of(config.experiment.estimators.begin(), config.experiment.estimators.end(),
                                      [](const std::string& spec) { return !info::is_exact_estimator(spec); });
  if (estimators || config.experiment.store_activations.enabled()) m.evaluation += n * all_widths * k_float;
  if (config.quantization.range == "reference") m.evaluation += 4 * n * widest * k_float;  // whole-set pass
  const StoreActivationsConfig& store = config.experiment.store_activations;
  for (const std::size_t layer : store.layers) {
    if (layer >= 1 && layer <= shapes.size()) {
      m.stored += static_cast<double>(store.epochs.size()) * n * static_cast<double>(shapes[layer - 1].size()) *
                  k_float;
    }
  }
  return m;
}

std::optional<double> available_memory() {
  std::optional<double> available;
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    double kib = 0;
    if (fields >> kib) available = kib * 1024;
  }
  const auto limit_left = [&](const char* limit_path, const char* usage_path) {
    const std::optional<double> limit = read_number(limit_path);  // "max" (no limit) does not parse
    const std::optional<double> usage = read_number(usage_path);
    if (!limit || !usage || *limit > 1e18) return;
    const double left = std::max(*limit - *usage, 0.0);
    available = available ? std::min(*available, left) : left;
  };
  limit_left("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current");
  limit_left("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes");
  return available;
}

std::string format_bytes(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.1f} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.0f} MB", bytes / 1e6);
  return fmt::format("{:.0f} kB", std::max(bytes / 1e3, 1.0));
}

void check_memory(const Config& config, const MemoryEstimate& estimate, std::optional<double> available) {
  if (!available || estimate.total() <= *available) return;
  input_error("{}: the run needs about {} of memory ({} thread{} x {}: weights and Adam state {}, training "
              "buffers {}, evaluation pass {}{}), but {} are available; use smaller layers{}",
              config.source.string(), format_bytes(estimate.total()), estimate.threads,
              estimate.threads == 1 ? "" : "s", format_bytes(estimate.per_thread()), format_bytes(estimate.network),
              format_bytes(estimate.batch), format_bytes(estimate.evaluation),
              estimate.stored > 0 ? fmt::format(", stored activations {}", format_bytes(estimate.stored)) : "",
              format_bytes(*available), estimate.threads > 1 ? " or fewer threads (--threads)" : "");
}

}  // namespace infoplane::experiment
