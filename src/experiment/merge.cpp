/// @brief `merge_runs`: checks that shards fit together, copies their parts, merges.
#include "infoplane/experiment/merge.h"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "infoplane/common.h"
#include "infoplane/experiment/store.h"

namespace infoplane::experiment {

namespace fs = std::filesystem;

namespace {

/// "3, 5, 7" (at most `limit` numbers, then "and N more").
std::string list(const std::vector<std::size_t>& v, std::size_t limit = 20) {
  std::string s;
  for (std::size_t k = 0; k < v.size() && k < limit; ++k) s += (k ? ", " : "") + std::to_string(v[k]);
  if (v.size() > limit) s += fmt::format(" and {} more", v.size() - limit);
  return s;
}

}  // namespace

namespace {

MergeSummary merge_checked(const std::vector<fs::path>& inputs, const fs::path& out) {
  MergeSummary summary;
  std::vector<store::Manifest> manifests;
  for (const fs::path& dir : inputs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) input_error("{}: not a directory, expected a run directory", dir.string());
    if (fs::exists(out, ec) && fs::equivalent(dir, out, ec)) {
      input_error("{}: the output directory is also an input; choose a new --out", out.string());
    }
    manifests.push_back(store::read_manifest(dir));
  }

  // Same experiment everywhere.
  const store::Manifest& first = manifests.front();
  const nlohmann::json config = result_config(first.config);
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const store::Manifest& m = manifests[k];
    const std::string where = (inputs[k] / store::k_manifest_file).string();
    if (m.status != store::k_status_complete) {
      input_error("{}: the run is not complete (status '{}'); finish it with 'infoplane run ... --resume' first",
                  where, m.status);
    }
    if (k == 0) continue;
    const std::string diff = json_difference(config, result_config(m.config));
    if (!diff.empty()) {
      input_error("{}: the config differs from that of {} at {}; only shards of one experiment can be merged", where,
                  inputs[0].string(), diff);
    }
    if (m.checksums.labels != first.checksums.labels) {
      input_error("{}: the data set's labels differ from those of {} (checksum {} vs {})", where, inputs[0].string(),
                  m.checksums.labels, first.checksums.labels);
    }
    const std::pair<const char*, const std::string store::Manifest::*> versions[] = {
        {"infoplane_version", &store::Manifest::infoplane_version}, {"git_commit", &store::Manifest::git_commit}};
    for (const auto& [key, member] : versions) {
      if (m.*member != first.*member) {
        summary.warnings.push_back(
            fmt::format("{}: {} is '{}', {} has '{}'", where, key, m.*member, inputs[0].string(), first.*member));
      }
    }
  }

  // Every repetition exactly once, with intact parts.
  const std::size_t n_reps = config.contains("experiment") ? config["experiment"].value("repetitions", std::size_t{0}) : 0;
  std::vector<int> owner(n_reps, -1);
  std::vector<store::ManifestRepetition> records(n_reps);
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    for (const store::ManifestRepetition& r : manifests[k].repetitions) {
      if (r.index >= n_reps) {
        input_error("{}: repetition {} is out of range (the config has {} repetitions)",
                    (inputs[k] / store::k_manifest_file).string(), r.index, n_reps);
      }
      if (owner[r.index] >= 0) {
        input_error("repetition {} is in both {} and {}; each repetition must come from one directory", r.index,
                    inputs[static_cast<std::size_t>(owner[r.index])].string(), inputs[k].string());
      }
      const PartCheck part = check_part(inputs[k], r.index);
      if (!part.complete) {
        input_error("{}: repetition {}: {}", inputs[k].string(), r.index,
                    part.problem.empty() ? "its part files are missing" : part.problem);
      }
      owner[r.index] = static_cast<int>(k);
      records[r.index] = part.meta;
    }
  }
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < n_reps; ++i) {
    if (owner[i] < 0) missing.push_back(i);
  }
  if (!missing.empty()) {
    input_error("merge: repetition{} {} of {} {} in none of the directories; run the shard that holds {}",
                missing.size() == 1 ? "" : "s", list(missing), n_reps, missing.size() == 1 ? "is" : "are",
                missing.size() == 1 ? "it" : "them");
  }

  // Write: a manifest marked "merging" first, then the parts and merged files, then the
  // final manifest. A merge killed anywhere leaves a directory marked as merging, which the
  // same merge (and only the same) finishes.
  RunStore store(out, StoreMode::merge);
  store::Manifest manifest = first;
  manifest.shard.reset();
  manifest.resumed.clear();
  manifest.finished.clear();
  manifest.checksums.files.clear();
  manifest.checksums.recorded = true;
  manifest.checksums.algorithm = "crc32";
  manifest.checksums.config = config_checksum(manifest.config);
  manifest.repetitions = records;
  manifest.merged_from.clear();
  double wall = 0.0;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const store::Manifest& m = manifests[k];
    store::ManifestSource from{inputs[k].string(), m.wall_seconds.value_or(0.0), m.shard, 0};
    for (std::size_t i = 0; i < n_reps; ++i) from.n_repetitions += owner[i] == static_cast<int>(k) ? 1 : 0;
    manifest.merged_from.push_back(from);
    wall += m.wall_seconds.value_or(0.0);
    if (!m.started.empty() && (manifest.started.empty() || m.started < manifest.started)) manifest.started = m.started;
  }
  manifest.wall_seconds = wall;
  manifest.status = store::k_status_merging;
  if (fs::exists(out / store::k_manifest_file)) {
    const store::Manifest before = store::read_manifest(out);
    if (before.merged_from != manifest.merged_from) {
      std::string dirs;
      for (const store::ManifestSource& s : before.merged_from) dirs += (dirs.empty() ? "" : ", ") + s.dir;
      input_error("{}: holds an interrupted merge of other run directories ({}); merge those again, or choose "
                  "another --out",
                  out.string(), dirs);
    }
    summary.finished_interrupted = true;
  }
  store::write_manifest(out, manifest);
  std::vector<std::size_t> indices(n_reps);
  for (std::size_t i = 0; i < n_reps; ++i) {
    indices[i] = i;
    store.copy_repetition(inputs[static_cast<std::size_t>(owner[i])], i);
  }
  manifest.checksums.files = store.merge(indices);
  manifest.finished = store::utc_now();
  manifest.status = store::k_status_complete;
  store::write_manifest(out, manifest);
  summary.n_repetitions = n_reps;
  return summary;
}

}  // namespace

MergeSummary merge_runs(const std::vector<fs::path>& inputs, const fs::path& out) {
  if (inputs.empty()) input_error("merge: no run directories given");
  try {
    return merge_checked(inputs, out);
  } catch (const nlohmann::json::exception& e) {
    input_error("merge: a manifest.json or part .json has unexpected content: {}", e.what());
  }
}

}  // namespace infoplane::experiment
