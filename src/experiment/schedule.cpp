/// @brief A small pool of std::threads pulling repetition indices from an atomic counter.
#include "infoplane/experiment/schedule.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace infoplane::experiment {

std::size_t resolve_threads(std::size_t requested, std::size_t jobs) {
  std::size_t threads = requested;
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min(threads, jobs));
}

void run_repetitions(const Config& config, const data::Dataset& dataset,
                     std::span<const std::size_t> indices, std::size_t threads,
                     const ProgressFn& progress,
                     const std::function<void(RepetitionResult&&)>& on_done) {
  std::atomic<std::size_t> next{0};
  std::mutex done_mutex;
  std::exception_ptr error;
  auto worker = [&] {
    for (;;) {
      const std::size_t k = next.fetch_add(1);
      if (k >= indices.size()) return;
      try {
        RepetitionResult result = run_repetition(config, dataset, indices[k], progress);
        const std::lock_guard<std::mutex> lock(done_mutex);
        if (!error) on_done(std::move(result));
      } catch (...) {
        const std::lock_guard<std::mutex> lock(done_mutex);
        if (!error) error = std::current_exception();
        next = indices.size();  // stop handing out work
      }
    }
  };
  const std::size_t n_threads = resolve_threads(threads, indices.size());
  if (n_threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(n_threads);
    for (std::size_t t = 0; t < n_threads; ++t) pool.emplace_back(worker);
    for (std::thread& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace infoplane::experiment
