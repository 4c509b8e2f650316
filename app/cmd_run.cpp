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
#include "infoplane/common.h"
#include "infoplane/data/dataset.h"
#include "infoplane/experiment/config.h"
#include "infoplane/experiment/runner.h"
#include "infoplane/experiment/schedule.h"
#include "infoplane/experiment/store.h"
#include "infoplane/version.h"

namespace infoplane::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct RunOptions {
  std::string config;
  std::string out;
  std::optional<std::size_t> repetitions, epochs, threads, mi_every;
  std::optional<std::uint64_t> seed;
  bool no_plot = false;
};

/// Progress on stderr: a redrawn bar on a terminal, a plain line every 10 s otherwise.
class ProgressReporter {
 public:
  ProgressReporter(std::size_t repetitions, std::size_t epochs)
      : m_total(repetitions * epochs), m_epochs(epochs), m_repetitions(repetitions),
        m_tty(::isatty(STDERR_FILENO) == 1), m_start(Clock::now()), m_last(m_start) {}

  void epoch_done() {
    const std::size_t done = ++m_done;
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
  bool m_tty;
  Clock::time_point m_start, m_last;
  std::atomic<std::size_t> m_done{0}, m_repetitions_done{0};
  std::mutex m_mutex;
};

/// Per-layer first / peak / final values of one repetition, for the closing summary.
struct LayerTrace {
  double first_xt = 0, peak_xt = 0, final_xt = 0, first_ty = 0, peak_ty = 0, final_ty = 0;
};

/// Traces of the first estimator of the config (normally "exact").
std::vector<LayerTrace> trace(const experiment::RepetitionResult& r, std::size_t n_layers) {
  constexpr std::uint16_t exact = 0;
  std::vector<LayerTrace> t(n_layers);
  std::vector<bool> seen(n_layers, false);
  for (const experiment::MiRow& row : r.mi) {
    if (row.estimator != exact) continue;
    LayerTrace& lt = t[row.layer];
    if (!seen[row.layer]) {
      lt.first_xt = lt.peak_xt = row.i_xt;
      lt.first_ty = lt.peak_ty = row.i_ty;
      seen[row.layer] = true;
    }
    lt.peak_xt = std::max(lt.peak_xt, row.i_xt);
    lt.peak_ty = std::max(lt.peak_ty, row.i_ty);
    lt.final_xt = row.i_xt;
    lt.final_ty = row.i_ty;
  }
  return t;
}

std::string layer_name(std::size_t l, std::size_t n_layers) {
  if (l == 0) return "X (input)";
  if (l + 1 == n_layers) return fmt::format("{} (output)", l);
  return fmt::format("{}", l);
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm);
}

std::string default_out(const experiment::Config& config) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return fmt::format("runs/{}-{:%Y%m%d-%H%M%S}", config.name, tm);
}

void run(const RunOptions& options) {
  experiment::Config config = experiment::load_config(options.config);
  if (options.repetitions) config.experiment.repetitions = *options.repetitions;
  if (options.epochs) config.training.epochs = *options.epochs;
  if (options.threads) config.experiment.threads = *options.threads;
  if (options.mi_every) config.experiment.mi_every = *options.mi_every;
  if (options.seed) config.experiment.seed = *options.seed;
  experiment::validate(config);

  const data::Dataset dataset = experiment::load_dataset(config);
  experiment::RunStore store(options.out.empty() ? fs::path(default_out(config)) : fs::path(options.out));
  const std::size_t n_reps = config.experiment.repetitions;
  const std::size_t threads = experiment::resolve_threads(config.experiment.threads, n_reps);
  const nn::NetworkSpec spec = config.network_spec(dataset.n_features(), dataset.n_classes);
  const std::size_t n_layers = spec.layers.size() + 1;
  const std::vector<std::string> estimator_names = config.estimator_names();

  nlohmann::json layers = nlohmann::json::array();
  layers.push_back({{"index", 0}, {"name", "input"}, {"width", dataset.n_features()}, {"activation", "input"}});
  for (std::size_t l = 0; l < spec.layers.size(); ++l) {
    const bool output = l + 1 == spec.layers.size();
    layers.push_back({{"index", l + 1},
                      {"name", output ? std::string("output") : fmt::format("dense{}", l + 1)},
                      {"width", spec.layers[l].width},
                      {"activation", nn::to_string(spec.layers[l].activation)}});
  }
  nlohmann::json manifest{
      {"infoplane_version", k_version},
      {"git_commit", k_git_commit},
      {"config_file", options.config},
      {"config", config.to_json()},
      {"dataset", {{"name", dataset.name}, {"n_samples", dataset.n_samples()},
                   {"n_features", dataset.n_features()}, {"n_train", dataset.train.size()},
                   {"n_test", dataset.test.size()}, {"n_classes", dataset.n_classes},
                   {"h_y", data::label_entropy_bits(dataset)}}},
      {"layers", layers},
      {"threads", threads},
      {"started", utc_now()},
      {"status", "running"},
      {"repetitions", nlohmann::json::array()},
  };
  store.write_manifest(manifest);

  fmt::print(stderr, "infoplane: {} repetitions x {} epochs of '{}' on {} thread{} -> {}\n", n_reps,
             config.training.epochs, config.name, threads, threads == 1 ? "" : "s",
             store.dir().string());
  ProgressReporter progress(n_reps, config.training.epochs);
  std::vector<experiment::RepetitionResult> summaries(n_reps);
  std::vector<std::vector<LayerTrace>> traces(n_reps);
  std::vector<std::size_t> indices(n_reps);
  for (std::size_t i = 0; i < n_reps; ++i) indices[i] = i;
  const auto start = Clock::now();
  experiment::run_repetitions(
      config, dataset, indices, threads, [&](std::size_t, std::size_t) { progress.epoch_done(); },
      [&](experiment::RepetitionResult&& r) {
        store.write_repetition(r, estimator_names);
        progress.repetition_done();
        traces[r.index] = trace(r, n_layers);
        // Keep only what the manifest and the summary need.
        r.mi.clear();
        r.ranges.clear();
        if (!r.accuracy.empty()) r.accuracy.erase(r.accuracy.begin(), r.accuracy.end() - 1);
        summaries[r.index] = std::move(r);
      });
  progress.finish();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();

  store.merge(indices);
  std::size_t n_ok = 0, n_restarts = 0;
  for (const auto& r : summaries) {
    manifest["repetitions"].push_back(experiment::RunStore::repetition_json(r));
    n_ok += r.ok ? 1 : 0;
    n_restarts += r.restarts;
  }
  manifest["status"] = "complete";
  manifest["wall_seconds"] = wall;
  manifest["finished"] = utc_now();
  store.write_manifest(manifest);

  // Summary: means over the repetitions that finished.
  fmt::print("Run directory: {}\n", store.dir().string());
  fmt::print("{} of {} repetitions finished ({} restarts) in {:.1f} s on {} thread{}\n", n_ok, n_reps,
             n_restarts, wall, threads, threads == 1 ? "" : "s");
  if (n_ok == 0) return;
  fmt::print("Exact information per layer in bits, mean over repetitions (first epoch -> peak -> final):\n");
  fmt::print("  {:<12} {:>26}   {:>26}\n", "layer", "I(X;T)", "I(T;Y)");
  for (std::size_t l = 0; l < n_layers; ++l) {
    LayerTrace mean;
    for (std::size_t i = 0; i < n_reps; ++i) {
      if (!summaries[i].ok) continue;
      const LayerTrace& t = traces[i][l];
      mean.first_xt += t.first_xt;
      mean.peak_xt += t.peak_xt;
      mean.final_xt += t.final_xt;
      mean.first_ty += t.first_ty;
      mean.peak_ty += t.peak_ty;
      mean.final_ty += t.final_ty;
    }
    const double k = static_cast<double>(n_ok);
    fmt::print("  {:<12} {:7.3f} -> {:7.3f} -> {:7.3f}   {:7.4f} -> {:7.4f} -> {:7.4f}\n",
               layer_name(l, n_layers), mean.first_xt / k, mean.peak_xt / k, mean.final_xt / k,
               mean.first_ty / k, mean.peak_ty / k, mean.final_ty / k);
  }
  double train = 0, test = 0;
  for (const auto& r : summaries) {
    if (!r.ok) continue;
    const nlohmann::json j = experiment::RunStore::repetition_json(r);
    train += j.value("final_train_accuracy", 0.0);
    test += j.value("final_test_accuracy", 0.0);
  }
  fmt::print("Final accuracy, mean: train {:.4f}, test {:.4f}\n", train / static_cast<double>(n_ok),
             test / static_cast<double>(n_ok));
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Train an experiment's repetitions and compute the exact information plane");
  cmd->add_option("config", options->config, "Experiment config (TOML), e.g. experiments/szt-tanh-8bit.toml")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", options->out, "Run directory to create (default: runs/NAME-DATE-TIME)");
  cmd->add_option("--repetitions", options->repetitions, "Override [experiment].repetitions")->check(CLI::PositiveNumber);
  cmd->add_option("--epochs", options->epochs, "Override [training].epochs")->check(CLI::PositiveNumber);
  cmd->add_option("--threads", options->threads, "Override [experiment].threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", options->seed, "Override [experiment].seed (repetition i uses seed + i)");
  cmd->add_option("--mi-every", options->mi_every, "Override [experiment].mi_every")->check(CLI::PositiveNumber);
  cmd->add_flag("--no-plot", options->no_plot, "Do not draw the information plane at the end");
  cmd->callback([options] { run(*options); });
}

}  // namespace infoplane::cli
