/// @brief Repetitions spread over threads; results are bit-identical for any thread count.
#pragma once

#include <cstddef>
#include <functional>
#include <span>

#include "infoplane/experiment/runner.h"

namespace infoplane::experiment {

/// Runs the repetitions `indices` on `threads` worker threads (0 = all cores). Each
/// repetition is computed by one thread from its own seed, so results do not depend on the
/// thread count. `on_done` is called once per finished repetition, one call at a time
/// (serialised by a mutex), in completion order.
void run_repetitions(const Config& config, const data::Dataset& dataset,
                     std::span<const std::size_t> indices, std::size_t threads,
                     const ProgressFn& progress,
                     const std::function<void(RepetitionResult&&)>& on_done);

/// The thread count to use: `requested`, or the number of cores when 0, at most `jobs`.
std::size_t resolve_threads(std::size_t requested, std::size_t jobs);

}  // namespace infoplane::experiment
