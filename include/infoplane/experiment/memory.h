/// @brief The memory a run needs, estimated before it starts, and the memory this process
/// may use (the machine's available memory or its cgroup's limit, whichever is smaller).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "infoplane/experiment/config.h"
#include "infoplane/nn/network.h"

namespace infoplane::experiment {

/// Bytes, as doubles so that absurd layer widths cannot overflow.
struct MemoryEstimate {
  double network = 0;     ///< per thread: weights, their quantized copy, gradients, Adam's m and v
  double batch = 0;       ///< per thread: the training step's per-layer buffers for one batch
  double evaluation = 0;  ///< per thread: the evaluation pass (state codes of every sample, chunk buffers)
  double stored = 0;      ///< per thread: a repetition's stored activations until they are written
  std::size_t threads = 1;

  double per_thread() const { return network + batch + evaluation + stored; }
  double total() const { return per_thread() * static_cast<double>(threads); }
};

/// The memory of a run of `config` with network `spec` over `n_samples` samples on
/// `threads` threads (the data set itself is already loaded and not counted). An upper
/// estimate of the large buffers, not of every small allocation.
MemoryEstimate estimate_memory(const Config& config, const nn::NetworkSpec& spec, std::size_t n_samples,
                               std::size_t threads);

/// The memory this process can still allocate: MemAvailable of /proc/meminfo, lowered to
/// the cgroup's limit minus its usage (cgroup v2 memory.max or v1 memory.limit_in_bytes);
/// nullopt when none can be read.
std::optional<double> available_memory();

/// "1.5 GB", "820 MB", "12 kB" (decimal units).
std::string format_bytes(double bytes);

/// Throws InputError naming the config, the estimate (with its parts) and the available
/// memory when the run cannot fit; `available` is available_memory() unless given.
void check_memory(const Config& config, const MemoryEstimate& estimate, std::optional<double> available);

}  // namespace infoplane::experiment
