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
  std::vector<nlohmann::json> manifests;
  for (const fs::path& dir : inputs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) input_error("{}: not a directory, expected a run directory", dir.string());
    if (fs::exists(out, ec) && fs::equivalent(dir, out, ec)) {
      input_error("{}: the output directory is also an input; choose a new --out", out.string());
    }
    manifests.push_back(read_manifest(dir));
  }

  // Same experiment everywhere.
  const nlohmann::json& first = manifests.front();
  const nlohmann::json config = result_config(first.value("config", nlohmann::json()));
  if (!config.is_object()) input_error("{}: manifest.json has no config record", (inputs[0] / "manifest.json").string());
  const auto labels = [](const nlohmann::json& m) {
    return m.value("checksums", nlohmann::json::object()).value("labels", std::string());
  };
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const nlohmann::json& m = manifests[k];
    const std::string where = (inputs[k] / "manifest.json").string();
    const std::string status = m.value("status", std::string("(none)"));
    if (status != "complete") {
      input_error("{}: the run is not complete (status '{}'); finish it with 'infoplane run ... --resume' first",
                  where, status);
    }
    if (k == 0) continue;
    const std::string diff = json_difference(config, result_config(m.value("config", nlohmann::json())));
    if (!diff.empty()) {
      input_error("{}: the config differs from that of {} at {}; only shards of one experiment can be merged", where,
                  inputs[0].string(), diff);
    }
    if (labels(m) != labels(first)) {
      input_error("{}: the data set's labels differ from those of {} (checksum {} vs {})", where, inputs[0].string(),
                  labels(m), labels(first));
    }
    for (const char* key : {"infoplane_version", "git_commit"}) {
      if (m.value(key, std::string()) != first.value(key, std::string())) {
        summary.warnings.push_back(fmt::format("{}: {} is '{}', {} has '{}'", where, key, m.value(key, std::string()),
                                               inputs[0].string(), first.value(key, std::string())));
      }
    }
  }

  // Every repetition exactly once, with intact parts.
  const std::size_t n_reps = config["experiment"].value("repetitions", std::size_t{0});
  std::vector<int> owner(n_reps, -1);
  std::vector<nlohmann::json> metas(n_reps);
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    for (const nlohmann::json& r : manifests[k].value("repetitions", nlohmann::json::array())) {
      const std::size_t index = r.value("index", n_reps);
      if (index >= n_reps) {
        input_error("{}: repetition {} is out of range (the config has {} repetitions)",
                    (inputs[k] / "manifest.json").string(), r.value("index", -1), n_reps);
      }
      if (owner[index] >= 0) {
        input_error("repetition {} is in both {} and {}; each repetition must come from one directory", index,
                    inputs[static_cast<std::size_t>(owner[index])].string(), inputs[k].string());
      }
      const PartCheck part = check_part(inputs[k], index);
      if (!part.complete) {
        input_error("{}: repetition {}: {}", inputs[k].string(), index,
                    part.problem.empty() ? "its part files are missing" : part.problem);
      }
      owner[index] = static_cast<int>(k);
      metas[index] = part.meta;
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
  nlohmann::json manifest = first;
  manifest.erase("shard");
  manifest.erase("resumed");
  manifest.erase("finished");
  manifest["checksums"].erase("files");
  manifest["checksums"]["algorithm"] = "crc32";
  manifest["checksums"]["config"] = config_checksum(manifest["config"]);
  manifest["repetitions"] = metas;
  double wall = 0.0;
  std::string started;
  manifest["merged_from"] = nlohmann::json::array();
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const nlohmann::json& m = manifests[k];
    nlohmann::json from{{"dir", inputs[k].string()}, {"wall_seconds", m.value("wall_seconds", 0.0)}};
    if (m.contains("shard")) from["shard"] = m["shard"];
    std::size_t n = 0;
    for (std::size_t i = 0; i < n_reps; ++i) n += owner[i] == static_cast<int>(k) ? 1 : 0;
    from["n_repetitions"] = n;
    manifest["merged_from"].push_back(from);
    wall += m.value("wall_seconds", 0.0);
    const std::string s = m.value("started", std::string());
    if (!s.empty() && (started.empty() || s < started)) started = s;
  }
  if (!started.empty()) manifest["started"] = started;
  manifest["wall_seconds"] = wall;
  manifest["status"] = k_status_merging;
  if (fs::exists(out / "manifest.json")) {
    const nlohmann::json before = store.read_manifest();
    if (before.value("merged_from", nlohmann::json()) != manifest["merged_from"]) {
      input_error("{}: holds an interrupted merge of other run directories ({}); merge those again, or choose "
                  "another --out",
                  out.string(), before.value("merged_from", nlohmann::json()).dump());
    }
    summary.finished_interrupted = true;
  }
  store.write_manifest(manifest);
  std::vector<std::size_t> indices(n_reps);
  for (std::size_t i = 0; i < n_reps; ++i) {
    indices[i] = i;
    store.copy_repetition(inputs[static_cast<std::size_t>(owner[i])], i);
  }
  manifest["checksums"]["files"] = store.merge(indices);
  manifest["finished"] = store::utc_now();
  manifest["status"] = "complete";
  store.write_manifest(manifest);
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
