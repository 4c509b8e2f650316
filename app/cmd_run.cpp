/// @brief `infoplane run CONFIG.toml`: trains the repetitions, writes the run directory,
/// prints a per-layer summary.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/core.h>

#include "commands.h"
#include "validators.h"
#include "infoplane/common.h"
#include "infoplane/experiment/config.h"
#include "infoplane/experiment/session.h"
#include "infoplane/report/plot.h"

namespace infoplane::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// Progress on stderr: a redrawn bar on a terminal, a plain line every 10 s otherwise.
class ProgressReporter {
 public:
  /// `slots`: one past the largest repetition index that reports.
  ProgressReporter(std::size_t repetitions, std::size_t epochs, std::size_t slots)
      : m_total(repetitions * epochs), m_epochs(epochs), m_repetitions(repetitions), m_epoch_of(slots),
        m_tty(::isatty(STDERR_FILENO) == 1), m_start(Clock::now()), m_last(m_start) {}

  /// Repetition `repetition` finished `epoch` epochs of its current attempt; a restarted
  /// attempt starts again from epoch 1, and its earlier epochs no longer count as done.
  void epoch_done(std::size_t repetition, std::size_t epoch) {
    const auto now_at = static_cast<long long>(epoch);
    const long long before = m_epoch_of[repetition].exchange(now_at);
    const auto done = static_cast<std::size_t>(std::max(0LL, m_done += now_at - before));
    const auto now = Clock::now();
    const auto interval = m_tty ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10000);
    std::unique_lock<std::mutex> lock(m_mutex, std::try_to_lock);
    if (!lock.owns_lock() || now - m_last < interval) return;
    m_last = now;
    print(done, now);
  }

  void repetition_done() { ++m_repetitions_done; }

  void finish() {
    if (m_tty) fmt::print(stderr, "\r\033[K");
  }

 private:
  void print(std::size_t done, Clock::time_point now) {
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double fraction = static_cast<double>(done) / static_cast<double>(m_total);
    const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
    const std::string text = fmt::format("{}/{} repetitions done, {:.1f}% of epochs, elapsed {}, ETA {}",
                                         m_repetitions_done.load(), m_repetitions, 100.0 * fraction,
                                         duration(elapsed), duration(eta));
    if (m_tty) {
      constexpr int k_width = 30;
      const int filled = static_cast<int>(fraction * k_width);
      fmt::print(stderr, "\r\033[K[{:=<{}}{: <{}}] {}", "", filled, "", k_width - filled, text);
    } else {
      fmt::print(stderr, "progress: {}\n", text);
    }
    std::fflush(stderr);
  }

  static std::string duration(double seconds) {
    const auto s = static_cast<long>(seconds + 0.5);
    if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
    if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}s", s);
  }

  std::size_t m_total, m_epochs, m_repetitions;
  std::vector<std::atomic<long long>> m_epoch_of;  ///< per repetition: epochs of its current attempt
  bool m_tty;
  Clock::time_point m_start, m_last;
  std::atomic<long long> m_done{0};
  std::atomic<std::size_t> m_repetitions_done{0};
  std::mutex m_mutex;
};

std::string layer_name(std::size_t l, std::size_t n_layers) {
  if (l == 0) return "X (input)";
  if (l + 1 == n_layers) return fmt::format("{} (output)", l);
  return fmt::format("{}", l);
}

/// The information plane of the finished run; a missing gnuplot only warns, since the
/// results are already written.
void draw_plane(const fs::path& run_dir) {
  try {
    const report::PlotReport plotted = report::plot_run(run_dir);
    for (const auto& figure : plotted.figures) fmt::print("Figure: {}\n", figure.string());
    for (const auto& note : plotted.notes) fmt::print("Figure note: {}\n", note);
  } catch (const std::exception& e) {
    fmt::print(stderr, "infoplane: warning: no figure drawn: {}\n", e.what());
  }
}

}  // namespace

experiment::StudyResult run_config(const experiment::Config& config, const RunOptions& options) {
  experiment::StudyOptions study;
  study.out = options.out;
  study.resume = options.resume;
  if (!options.shard.empty()) study.shard = experiment::parse_shard(options.shard);
  study.config_file = options.config;
  std::optional<ProgressReporter> progress;
  experiment::StudyEvents events;
  events.warning = [](const std::string& w) { fmt::print(stderr, "infoplane: warning: {}\n", w); };
  events.note = [](const std::string& n) { fmt::print(stderr, "infoplane: {}\n", n); };
  events.started = [&](std::size_t todo, std::size_t epochs, std::size_t threads, const fs::path& dir) {
    fmt::print(stderr, "infoplane: {} repetition{} x {} epochs of '{}' on {} thread{} -> {}\n", todo,
               todo == 1 ? "" : "s", epochs, config.name, threads, threads == 1 ? "" : "s", dir.string());
    progress.emplace(std::max<std::size_t>(todo, 1), epochs, config.experiment.repetitions);
  };
  events.epoch = [&](std::size_t rep, std::size_t epoch) { progress->epoch_done(rep, epoch); };
  events.repetition = [&](const experiment::RepetitionResult&) { progress->repetition_done(); };
  const auto finish = [&] {
    if (progress) progress->finish();
  };
  experiment::StudyResult result;
  try {
    result = experiment::run_study(config, study, events);
  } catch (...) {
    finish();
    throw;
  }
  finish();

  fmt::print("Run directory: {}\n", result.dir.string());
  fmt::print("{} of {} repetitions finished ({} restarts) in {:.1f} s on {} thread{}\n", result.n_ok,
             result.n_repetitions, result.n_restarts, result.wall_seconds, result.threads,
             result.threads == 1 ? "" : "s");
  for (const experiment::Violation& v : result.verification.violations) {
    fmt::print(stderr, "infoplane: verify: {}: {}\n", v.where, v.what);
  }
  if (result.n_ok == 0) return result;
  const std::size_t n_layers = result.layers.size();
  fmt::print("Exact information per layer in bits, mean over repetitions (first epoch -> peak -> final):\n");
  fmt::print("  {:<12} {:>26}   {:>26}\n", "layer", "I(X;T)", "I(T;Y)");
  for (std::size_t l = 0; l < n_layers; ++l) {
    const experiment::LayerTrace& mean = result.layers[l];
    fmt::print("  {:<12} {:7.3f} -> {:7.3f} -> {:7.3f}   {:7.4f} -> {:7.4f} -> {:7.4f}\n", layer_name(l, n_layers),
               mean.first_xt, mean.peak_xt, mean.final_xt, mean.first_ty, mean.peak_ty, mean.final_ty);
  }
  fmt::print("Final accuracy, mean: train {:.4f}, test {:.4f}\n", result.final_train_accuracy,
             result.final_test_accuracy);
  if (!options.no_plot) draw_plane(result.dir);
  return result;
}

namespace {

void run(const RunOptions& options) {
  experiment::Config config = experiment::load_config(options.config);
  if (options.repetitions) config.experiment.repetitions = *options.repetitions;
  if (options.epochs) config.training.epochs = *options.epochs;
  if (options.threads) config.experiment.threads = *options.threads;
  if (options.mi_every) config.experiment.mi_every = *options.mi_every;
  if (options.seed) config.experiment.seed = *options.seed;
  experiment::validate(config);
  const experiment::StudyResult result = run_config(config, options);
  if (result.n_ok == 0 || !result.verification.ok()) {
    fmt::print(stderr, "infoplane: error: {}\n",
               result.n_ok == 0 ? fmt::format("every repetition failed (status 'failed'); see the manifest's "
                                              "repetitions[].message in {}", result.dir.string())
                                : fmt::format("{} failed verification ({} violations)", result.dir.string(),
                                              result.verification.violations.size()));
    std::fflush(stdout);
    std::exit(1);
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Train an experiment's repetitions and compute the exact information plane");
  cmd->add_option("config", options->config, "Experiment config (TOML), e.g. experiments/szt-tanh-8bit.toml")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", options->out,
                  "Run directory to create, or to continue with --resume (default: runs/NAME-DATE-TIME)");
  cmd->add_option("--repetitions", options->repetitions, "Override [experiment].repetitions")->check(whole_number(1));
  cmd->add_option("--epochs", options->epochs, "Override [training].epochs")->check(whole_number(1));
  cmd->add_option("--threads", options->threads, "Override [experiment].threads (0 = all cores)")->check(whole_number(0));
  cmd->add_option("--seed", options->seed, "Override [experiment].seed (repetition i uses seed + i)");
  cmd->add_option("--mi-every", options->mi_every, "Override [experiment].mi_every")->check(whole_number(1));
  cmd->add_option("--shard", options->shard,
                  "Run only shard I of N: the repetitions with index % N == I - 1 (e.g. 2/8); "
                  "combine the shards' directories with 'infoplane merge'");
  cmd->add_flag("--resume", options->resume,
                "Continue the interrupted run in --out DIR: finished repetitions are kept, the others run "
                "again from their seeds (same config and options as the first start)");
  cmd->add_flag("--no-plot", options->no_plot, "Do not draw the information plane at the end");
  cmd->callback([options] { run(*options); });
}

}  // namespace infoplane::cli
