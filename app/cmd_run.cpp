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
#include "infoplane/data/dataset.h"
#include "infoplane/experiment/config.h"
#include "infoplane/experiment/memory.h"
#include "infoplane/experiment/runner.h"
#include "infoplane/experiment/schedule.h"
#include "infoplane/experiment/store.h"
#include "infoplane/report/plot.h"
#include "infoplane/version.h"

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

std::string default_out(const experiment::Config& config) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return fmt::format("runs/{}-{:%Y%m%d-%H%M%S}", config.name, tm);
}

/// Parses "--shard I/N" (1 <= I <= N).
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  std::size_t i = 0, n = 0;
  const auto number = [](std::string_view s, std::size_t& v) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string_view::npos) return false;
    v = std::stoul(std::string(s));
    return true;
  };
  if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), i) ||
      !number(std::string_view(text).substr(slash + 1), n) || n == 0 || i == 0 || i > n) {
    input_error("--shard: expected I/N with 1 <= I <= N (e.g. 2/8), got '{}'", text);
  }
  return {i, n};
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

fs::path run_config(const experiment::Config& config, const RunOptions& options) {
  for (const std::string& warning : config.warnings) fmt::print(stderr, "infoplane: warning: {}\n", warning);
  if (options.resume && options.out.empty()) {
    input_error("--resume: name the run directory to continue with --out DIR");
  }

  // The repetitions of this process: all, or those of its shard (index % N == I - 1).
  const std::size_t n_reps = config.experiment.repetitions;
  std::vector<std::size_t> indices;
  nlohmann::json shard_json;
  if (!options.shard.empty()) {
    const auto [shard, n_shards] = parse_shard(options.shard);
    for (std::size_t i = shard - 1; i < n_reps; i += n_shards) indices.push_back(i);
    if (indices.empty()) {
      input_error("--shard {}: no repetition falls in this shard ({} repetitions, so at most {} shards)",
                  options.shard, n_reps, n_reps);
    }
    shard_json = {{"index", shard}, {"count", n_shards}, {"rule", "repetition % count == index - 1"}};
  } else {
    for (std::size_t i = 0; i < n_reps; ++i) indices.push_back(i);
  }

  // Everything that can be wrong with the input is found before the run directory is made.
  const data::Dataset dataset = experiment::load_dataset(config);
  const nlohmann::json config_json = config.to_json();
  const std::string labels_crc = experiment::labels_checksum(dataset.y);
  const nn::NetworkSpec spec = config.network_spec(dataset.n_features(), dataset.n_classes, dataset.image_shape);
  const nlohmann::json plane_layers = experiment::plane_layers_json(spec);
  const std::size_t n_layers = plane_layers.size();
  const std::vector<std::string> estimator_names = config.estimator_names();
  experiment::check_memory(
      config,
      experiment::estimate_memory(config, spec, dataset.n_samples(),
                                  experiment::resolve_threads(config.experiment.threads, indices.size())),
      experiment::available_memory());
  experiment::RunStore store(options.out.empty() ? fs::path(default_out(config)) : fs::path(options.out),
                             options.resume ? experiment::StoreMode::resume : experiment::StoreMode::create);
  if (!store.stale_lock_holder().empty()) {
    fmt::print(stderr, "infoplane: note: took over the lock left by {}, which no longer runs\n",
               store.stale_lock_holder());
  }

  nlohmann::json manifest;
  std::vector<std::size_t> todo;
  std::vector<nlohmann::json> metas(n_reps);
  std::vector<experiment::RepetitionResult> summaries(n_reps);
  std::vector<std::vector<LayerTrace>> traces(n_reps);
  if (options.resume) {
    try {
      manifest = store.read_manifest();
      const std::string where = (store.dir() / "manifest.json").string();
      if (manifest.value("status", std::string()) == experiment::k_status_merging) {
        input_error("{}: the directory holds an interrupted merge; run the same 'infoplane merge' command again "
                    "to finish it",
                    store.dir().string());
      }
      const std::string diff = experiment::json_difference(experiment::result_config(manifest.value("config", nlohmann::json())),
                                                           experiment::result_config(config_json));
      if (!diff.empty()) {
        input_error("{}: the run's config differs from this one at {} (run vs now); resume with the same config "
                    "file and options",
                    where, diff);
      }
      const nlohmann::json recorded_shard = manifest.value("shard", nlohmann::json());
      const auto key = [](const nlohmann::json& s, const char* name) {
        return s.is_object() ? s.value(name, std::size_t{0}) : std::size_t{0};
      };
      if (key(recorded_shard, "index") != key(shard_json, "index") ||
          key(recorded_shard, "count") != key(shard_json, "count")) {
        const auto name = [&](const nlohmann::json& s) {
          return s.is_object() ? fmt::format("--shard {}/{}", key(s, "index"), key(s, "count"))
                               : std::string("no --shard");
        };
        input_error("{}: the run was started with {}, this one has {}", where, name(recorded_shard), name(shard_json));
      }
      const nlohmann::json checksums = manifest.value("checksums", nlohmann::json::object());
      if (checksums.contains("labels") && checksums["labels"] != labels_crc) {
        input_error("{}: the labels of the data set differ from the run's (checksum {} vs {})", where,
                    checksums["labels"].get<std::string>(), labels_crc);
      }
      for (const std::size_t i : indices) {
        const experiment::PartCheck part = experiment::check_part(store.dir(), i);
        if (part.complete) {
          metas[i] = part.meta;
          summaries[i] = store.read_repetition(i, estimator_names);
          traces[i] = trace(summaries[i], n_layers);
          summaries[i].mi.clear();
          summaries[i].ranges.clear();
        } else {
          if (!part.problem.empty()) {
            fmt::print(stderr, "infoplane: repetition {} will run again: {}\n", i, part.problem);
          }
          todo.push_back(i);
        }
      }
      manifest["status"] = "running";
      if (!manifest["resumed"].is_array()) manifest["resumed"] = nlohmann::json::array();
      manifest["resumed"].push_back(store::utc_now());
      for (const char* key : {"finished", "wall_seconds"}) manifest.erase(key);
      if (!manifest["checksums"].is_object()) manifest["checksums"] = nlohmann::json::object();
      manifest["checksums"].erase("files");
      fmt::print(stderr, "infoplane: resuming {}: {} of {} repetitions already finished\n", store.dir().string(),
                 indices.size() - todo.size(), indices.size());
    } catch (const nlohmann::json::exception& e) {
      input_error("{}: unexpected content: {}", (store.dir() / "manifest.json").string(), e.what());
    }
  } else {
    todo = indices;
    const nlohmann::json& layers = plane_layers;
    manifest = nlohmann::json{
        {"infoplane_version", k_version},
        {"git_commit", k_git_commit},
        {"config_file", options.config},
        {"config", config_json},
        {"dataset", {{"name", dataset.name}, {"n_samples", dataset.n_samples()},
                     {"n_features", dataset.n_features()}, {"n_train", dataset.train.size()},
                     {"n_test", dataset.test.size()}, {"n_classes", dataset.n_classes},
                     {"h_y", data::label_entropy_bits(dataset)}}},
        {"layers", layers},
        {"started", store::utc_now()},
        {"status", "running"},
        {"repetitions", nlohmann::json::array()},
    };
    if (!shard_json.is_null()) manifest["shard"] = shard_json;
  }
  const std::size_t threads = experiment::resolve_threads(config.experiment.threads, todo.size());
  manifest["threads"] = threads;
  manifest["checksums"]["algorithm"] = "crc32";
  manifest["checksums"]["config"] = experiment::config_checksum(manifest["config"]);
  manifest["checksums"]["labels"] = labels_crc;
  store.write_manifest(manifest);

  fmt::print(stderr, "infoplane: {} repetitions x {} epochs of '{}' on {} thread{} -> {}\n", todo.size(),
             config.total_epochs(), config.name, threads, threads == 1 ? "" : "s",
             store.dir().string());
  ProgressReporter progress(std::max<std::size_t>(todo.size(), 1), config.total_epochs(), n_reps);
  const auto start = Clock::now();
  try {
    experiment::run_repetitions(
        config, dataset, todo, threads, [&](std::size_t rep, std::size_t epoch) { progress.epoch_done(rep, epoch); },
        [&](experiment::RepetitionResult&& r) {
          store.write_activations(r, dataset.y);
          std::vector<experiment::StoredActivations>().swap(r.activations);
          store.write_repetition(r, estimator_names);
          progress.repetition_done();
          traces[r.index] = trace(r, n_layers);
          metas[r.index] = experiment::RunStore::repetition_json(r);
          // Keep only what the summary needs.
          r.mi.clear();
          r.ranges.clear();
          if (!r.accuracy.empty()) r.accuracy.erase(r.accuracy.begin(), r.accuracy.end() - 1);
          summaries[r.index] = std::move(r);
        });
    progress.finish();
    manifest["checksums"]["files"] = store.merge(indices);
  } catch (const InputError& e) {
    progress.finish();
    input_error("{} (finished repetitions are kept in {}; fix the cause and continue with --resume)", e.what(),
                (store.dir() / "parts").string());
  }
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();

  std::size_t n_ok = 0, n_restarts = 0;
  manifest["repetitions"] = nlohmann::json::array();
  for (const std::size_t i : indices) {
    manifest["repetitions"].push_back(metas[i]);
    n_ok += summaries[i].ok ? 1 : 0;
    n_restarts += summaries[i].restarts;
  }
  manifest["status"] = "complete";
  manifest["wall_seconds"] = wall;
  manifest["finished"] = store::utc_now();
  store.write_manifest(manifest);

  // Summary: means over the repetitions that finished.
  fmt::print("Run directory: {}\n", store.dir().string());
  fmt::print("{} of {} repetitions finished ({} restarts) in {:.1f} s on {} thread{}\n", n_ok, indices.size(),
             n_restarts, wall, threads, threads == 1 ? "" : "s");
  if (n_ok == 0) return store.dir();
  fmt::print("Exact information per layer in bits, mean over repetitions (first epoch -> peak -> final):\n");
  fmt::print("  {:<12} {:>26}   {:>26}\n", "layer", "I(X;T)", "I(T;Y)");
  for (std::size_t l = 0; l < n_layers; ++l) {
    LayerTrace mean;
    for (const std::size_t i : indices) {
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
  for (const std::size_t i : indices) {
    if (!summaries[i].ok) continue;
    train += metas[i].value("final_train_accuracy", 0.0);
    test += metas[i].value("final_test_accuracy", 0.0);
  }
  fmt::print("Final accuracy, mean: train {:.4f}, test {:.4f}\n", train / static_cast<double>(n_ok),
             test / static_cast<double>(n_ok));
  if (!options.no_plot) draw_plane(store.dir());
  return store.dir();
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
  run_config(config, options);
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
