/// @brief run_study: one study's run directory from its first manifest to its verification.
#include "infoplane/experiment/session.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/data/dataset.h"
#include "infoplane/experiment/build_info.h"
#include "infoplane/experiment/memory.h"
#include "infoplane/experiment/schedule.h"
#include "infoplane/experiment/store.h"
#include "infoplane/store/files.h"
#include "infoplane/version.h"

namespace infoplane::experiment {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

std::string default_out(const Config& config) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return fmt::format("runs/{}-{:%Y%m%d-%H%M%S}", config.name, tm);
}

/// First / peak / final exact values of one repetition per layer (the first estimator).
std::vector<LayerTrace> trace(const RepetitionResult& r, std::size_t n_layers) {
  constexpr std::uint16_t first_estimator = 0;
  std::vector<LayerTrace> t(n_layers);
  std::vector<bool> seen(n_layers, false);
  for (const MiRow& row : r.mi) {
    if (row.estimator != first_estimator || row.layer >= n_layers) continue;
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

std::string shard_text(const std::optional<store::ManifestShard>& s) {
  return s ? fmt::format("--shard {}/{}", s->index, s->count) : std::string("no --shard");
}

/// The manifest of a new run.
store::Manifest new_manifest(const Config& config, const StudyOptions& options, const data::Dataset& dataset,
                             const nlohmann::json& plane_layers) {
  store::Manifest m;
  m.status = store::k_status_running;
  m.infoplane_version = k_version;
  m.git_commit = k_git_commit;
  m.config_file = options.config_file;
  m.config = config.to_json();
  m.dataset = {dataset.name,         dataset.n_samples(), dataset.n_features(),      dataset.train.size(),
               dataset.test.size(), dataset.n_classes,   data::label_entropy_bits(dataset)};
  for (const nlohmann::json& l : plane_layers) {
    store::ManifestLayer layer;
    layer.index = l.at("index").get<std::size_t>();
    layer.name = l.at("name").get<std::string>();
    layer.width = l.at("width").get<std::size_t>();
    layer.activation = l.at("activation").get<std::string>();
    if (l.contains("shape")) layer.shape = l.at("shape").get<std::vector<std::size_t>>();
    m.layers.push_back(std::move(layer));
  }
  m.shard = options.shard;
  m.started = store::utc_now();
  return m;
}

/// Checks that the run in `store` can be continued with this config and shard.
void check_resumable(const store::Manifest& m, const fs::path& dir, const nlohmann::json& config_json,
                     const std::optional<store::ManifestShard>& shard, const std::string& labels_crc) {
  const std::string where = (dir / store::k_manifest_file).string();
  if (m.status == store::k_status_merging) {
    input_error("{}: the directory holds an interrupted merge; run the same 'infoplane merge' command again to "
                "finish it",
                dir.string());
  }
  const std::string diff = json_difference(result_config(m.config), result_config(config_json));
  if (!diff.empty()) {
    input_error("{}: the run's config differs from this one at {} (run vs now); resume with the same config file "
                "and options",
                where, diff);
  }
  if (m.shard != shard) {
    input_error("{}: the run was started with {}, this one has {}", where, shard_text(m.shard), shard_text(shard));
  }
  if (!m.checksums.labels.empty() && m.checksums.labels != labels_crc) {
    input_error("{}: the labels of the data set differ from the run's (checksum {} vs {})", where,
                m.checksums.labels, labels_crc);
  }
}

nlohmann::json verification_record(const VerifyReport& report) {
  nlohmann::json first = nlohmann::json::array();
  for (std::size_t k = 0; k < report.violations.size() && k < 10; ++k) {
    first.push_back(report.violations[k].where + ": " + report.violations[k].what);
  }
  return {{"ok", report.ok()},         {"violations", report.violations.size()}, {"first_violations", first},
          {"checksums", report.n_files}, {"rows", report.n_rows},                {"at", store::utc_now()}};
}

}  // namespace

store::ManifestShard parse_shard(std::string_view text, std::string_view option) {
  const std::size_t slash = text.find('/');
  std::size_t i = 0, n = 0;
  const auto number = [](std::string_view s, std::size_t& v) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string_view::npos) return false;
    v = std::stoul(std::string(s));
    return true;
  };
  if (slash == std::string_view::npos || !number(text.substr(0, slash), i) || !number(text.substr(slash + 1), n) ||
      n == 0 || i == 0 || i > n) {
    input_error("{}: expected I/N with 1 <= I <= N (e.g. 2/8), got '{}'", option, text);
  }
  return {i, n};
}

StudyResult run_study(const Config& config, const StudyOptions& options, const StudyEvents& events) {
  const auto say = [](const std::function<void(const std::string&)>& to, const std::string& text) {
    if (to) to(text);
  };
  for (const std::string& warning : config.warnings) say(events.warning, warning);
  if (options.resume && options.out.empty()) {
    input_error("--resume: name the run directory to continue with --out DIR");
  }

  // The repetitions of this process: all, or those of its shard (index % N == I - 1).
  const std::size_t n_reps = config.experiment.repetitions;
  std::vector<std::size_t> indices;
  if (options.shard) {
    for (std::size_t i = options.shard->index - 1; i < n_reps; i += options.shard->count) indices.push_back(i);
    if (indices.empty()) {
      input_error("--shard {}/{}: no repetition falls in this shard ({} repetitions, so at most {} shards)",
                  options.shard->index, options.shard->count, n_reps, n_reps);
    }
  } else {
    for (std::size_t i = 0; i < n_reps; ++i) indices.push_back(i);
  }

  // Everything that can be wrong with the input is found before the run directory is made.
  const data::Dataset dataset = load_dataset(config);
  const nlohmann::json config_json = config.to_json();
  const std::string labels_crc = labels_checksum(dataset.y);
  const nn::NetworkSpec spec = config.network_spec(dataset.n_features(), dataset.n_classes, dataset.image_shape);
  const nlohmann::json plane_layers = plane_layers_json(spec);
  const std::size_t n_layers = plane_layers.size();
  const std::vector<std::string> estimator_names = config.estimator_names();
  check_memory(config,
               estimate_memory(config, spec, dataset.n_samples(), resolve_threads(config.experiment.threads, indices.size())),
               available_memory());

  RunStore store(options.out.empty() ? fs::path(default_out(config)) : options.out,
                 options.resume ? StoreMode::resume : StoreMode::create);
  if (!store.stale_lock_holder().empty()) {
    say(events.note, fmt::format("took over the lock left by {}, which no longer runs", store.stale_lock_holder()));
  }

  store::Manifest manifest;
  std::vector<std::size_t> todo;
  std::vector<store::ManifestRepetition> records(n_reps);
  std::vector<std::vector<LayerTrace>> traces(n_reps);
  if (options.resume) {
    manifest = store::read_manifest(store.dir());
    check_resumable(manifest, store.dir(), config_json, options.shard, labels_crc);
    for (const std::size_t i : indices) {
      const PartCheck part = check_part(store.dir(), i);
      if (part.complete) {
        records[i] = part.meta;
        traces[i] = trace(store.read_repetition(i, estimator_names), n_layers);
      } else {
        if (!part.problem.empty()) say(events.note, fmt::format("repetition {} will run again: {}", i, part.problem));
        todo.push_back(i);
      }
    }
    manifest.status = store::k_status_running;
    manifest.resumed.push_back(store::utc_now());
    manifest.finished.clear();
    manifest.wall_seconds.reset();
    manifest.verification = nullptr;
    manifest.checksums.files.clear();
    say(events.note, fmt::format("resuming {}: {} of {} repetitions already finished", store.dir().string(),
                                 indices.size() - todo.size(), indices.size()));
  } else {
    todo = indices;
    manifest = new_manifest(config, options, dataset, plane_layers);
  }
  const std::size_t threads = resolve_threads(config.experiment.threads, todo.size());
  manifest.threads = threads;
  manifest.build = build_record();
  manifest.checksums.recorded = true;
  manifest.checksums.algorithm = "crc32";
  manifest.checksums.config = config_checksum(manifest.config);
  manifest.checksums.labels = labels_crc;
  store::write_manifest(store.dir(), manifest);

  if (events.started) events.started(todo.size(), config.total_epochs(), threads, store.dir());
  const auto start = Clock::now();
  try {
    run_repetitions(
        config, dataset, todo, threads,
        [&](std::size_t rep, std::size_t epoch) {
          if (events.epoch) events.epoch(rep, epoch);
        },
        [&](RepetitionResult&& r) {
          store.write_activations(r, dataset.y);
          std::vector<StoredActivations>().swap(r.activations);
          store.write_repetition(r, estimator_names);
          if (events.repetition) events.repetition(r);
          traces[r.index] = trace(r, n_layers);
          records[r.index] = repetition_record(r);
        });
    manifest.checksums.files = store.merge(indices);
  } catch (const InputError& e) {
    input_error("{} (finished repetitions are kept in {}; fix the cause and continue with --resume)", e.what(),
                (store.dir() / "parts").string());
  }

  StudyResult result;
  result.dir = store.dir();
  result.threads = threads;
  result.n_repetitions = indices.size();
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  manifest.repetitions.clear();
  for (const std::size_t i : indices) {
    manifest.repetitions.push_back(records[i]);
    result.n_ok += records[i].ok() ? 1 : 0;
    result.n_restarts += records[i].restarts;
  }
  manifest.status = result.n_ok == 0 ? store::k_status_failed : store::k_status_complete;
  manifest.wall_seconds = result.wall_seconds;
  manifest.finished = store::utc_now();
  store::write_manifest(store.dir(), manifest);
  result.verification = verify_run(store.dir());
  manifest.verification = verification_record(result.verification);
  store::write_manifest(store.dir(), manifest);

  if (result.n_ok > 0) {
    result.layers.assign(n_layers, LayerTrace{});
    for (const std::size_t i : indices) {
      if (!records[i].ok()) continue;
      for (std::size_t l = 0; l < n_layers; ++l) {
        const LayerTrace& t = traces[i][l];
        LayerTrace& mean = result.layers[l];
        mean.first_xt += t.first_xt;
        mean.peak_xt += t.peak_xt;
        mean.final_xt += t.final_xt;
        mean.first_ty += t.first_ty;
        mean.peak_ty += t.peak_ty;
        mean.final_ty += t.final_ty;
      }
      result.final_train_accuracy += records[i].final_train_accuracy.value_or(0.0);
      result.final_test_accuracy += records[i].final_test_accuracy.value_or(0.0);
    }
    const double k = static_cast<double>(result.n_ok);
    for (LayerTrace& mean : result.layers) {
      for (double* v : {&mean.first_xt, &mean.peak_xt, &mean.final_xt, &mean.first_ty, &mean.peak_ty, &mean.final_ty}) {
        *v /= k;
      }
    }
    result.final_train_accuracy /= k;
    result.final_test_accuracy /= k;
  }
  result.manifest = std::move(manifest);
  return result;
}

}  // namespace infoplane::experiment
