/// @brief merge_runs: shards combine into the run one process would have written; mismatched
/// configs, missing, duplicated or corrupt repetitions and unfinished shards are refused.
#include "infoplane/experiment/merge.h"
#include "infoplane/store/files.h"
#include "infoplane/store/manifest.h"
#include "../store/store_testing.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "infoplane/experiment/config.h"
#include "infoplane/experiment/store.h"
#include "infoplane/experiment/verify.h"

namespace infoplane::experiment {
namespace {

namespace fs = std::filesystem;

using testing::checksums_json;
using testing::manifest_json;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane_merge_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::vector<std::string> k_names{"exact"};

RepetitionResult result(std::size_t index) {
  RepetitionResult r;
  r.index = index;
  r.seed = 100 + index;
  r.ok = true;
  for (std::uint32_t epoch = 1; epoch <= 3; ++epoch) {
    r.accuracy.push_back({epoch, 0.6 + 0.01 * static_cast<double>(index), 0.55, 0.65});
    for (std::uint16_t layer = 0; layer < 3; ++layer) {
      r.mi.push_back({epoch, layer, 0, 12.0 - layer - 0.1 * static_cast<double>(index), 0.9 - 0.2 * layer});
    }
    r.ranges.push_back({epoch, 1, -1.0f, 1.0f});
  }
  return r;
}

/// A complete run directory holding the repetitions `indices` of a 5-repetition experiment.
void write_run(const fs::path& dir, const std::vector<std::size_t>& indices, std::size_t epochs = 8000) {
  Config config = parse_config("", "test.toml");
  config.experiment.repetitions = 5;
  config.training.epochs = epochs;
  config.experiment.threads = indices.size();  // may differ between shards
  RunStore store(dir);
  nlohmann::json manifest{{"config", config.to_json()},
                          {"dataset", {{"n_samples", 4096}, {"h_y", 0.9991571209}}},
                          {"status", "complete"},
                          {"started", "2026-01-01T00:00:0" + std::to_string(indices.size()) + "Z"},
                          {"wall_seconds", 1.5},
                          {"repetitions", nlohmann::json::array()}};
  for (const std::size_t i : indices) {
    store.write_repetition(result(i), k_names);
    manifest["repetitions"].push_back(store::to_json(repetition_record(result(i))));
  }
  manifest["checksums"] = {{"algorithm", "crc32"}, {"config", config_checksum(manifest["config"])},
                           {"labels", "01234567"}, {"files", checksums_json(store.merge(indices))}};
  store::write_file_atomic(store.dir() / "manifest.json", nlohmann::json(manifest).dump(2));
}

std::string merge_error(const std::vector<fs::path>& inputs, const fs::path& out) {
  try {
    merge_runs(inputs, out);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Merge, ShardsGiveTheFilesOfOneProcess) {
  const fs::path single = fresh_dir("single"), a = fresh_dir("a"), b = fresh_dir("b"), out = fresh_dir("out");
  write_run(single, {0, 1, 2, 3, 4});
  write_run(a, {0, 2, 4});
  write_run(b, {1, 3});
  const MergeSummary summary = merge_runs({b, a}, out);
  EXPECT_EQ(summary.n_repetitions, 5U);
  EXPECT_TRUE(summary.warnings.empty());
  for (const std::string_view file : store::k_result_files) {
    EXPECT_EQ(slurp(out / file), slurp(single / file)) << file;
  }
  const nlohmann::json manifest = manifest_json(out);
  EXPECT_EQ(manifest["status"], "complete");
  ASSERT_EQ(manifest["repetitions"].size(), 5U);
  EXPECT_EQ(manifest["repetitions"][3]["seed"], 103);
  EXPECT_EQ(manifest["merged_from"].size(), 2U);
  EXPECT_EQ(manifest["merged_from"][0]["n_repetitions"], 2);
  EXPECT_EQ(manifest["wall_seconds"], 3.0);
  EXPECT_EQ(manifest["started"], "2026-01-01T00:00:02Z");
  const VerifyReport report = verify_run(out);
  EXPECT_TRUE(report.ok()) << report.violations.front().where << ": " << report.violations.front().what;
  for (const fs::path& dir : {single, a, b, out}) fs::remove_all(dir);
}

TEST(Merge, RefusesMissingDuplicatedCorruptAndForeignRepetitions) {
  const fs::path a = fresh_dir("ra"), b = fresh_dir("rb"), c = fresh_dir("rc"), other = fresh_dir("rother"),
                 out = fresh_dir("rout");
  write_run(a, {0, 2, 4});
  write_run(b, {1});
  write_run(c, {1, 3});
  write_run(other, {1, 3}, 12);

  EXPECT_NE(merge_error({a, b}, out).find("merge: repetition 3 of 5 is in none of the directories"), std::string::npos)
      << merge_error({a, b}, out);
  EXPECT_NE(merge_error({a, b, c}, out).find("repetition 1 is in both " + b.string() + " and " + c.string()),
            std::string::npos);
  EXPECT_NE(merge_error({a, other}, out).find("the config differs from that of " + a.string() +
                                              " at training.epochs: 8000 vs 12"),
            std::string::npos)
      << merge_error({a, other}, out);
  EXPECT_FALSE(fs::exists(out));  // nothing is written before the checks pass

  std::ofstream(store::part_path(c, 3, "accuracy.csv"), std::ios::app) << "3,4,0.5,0.5,0.7\n";
  EXPECT_NE(merge_error({a, c}, out).find("rep-000003.accuracy.csv: checksum mismatch"), std::string::npos)
      << merge_error({a, c}, out);

  nlohmann::json manifest = manifest_json(b);
  manifest["status"] = "running";
  store::write_file_atomic(b / "manifest.json", manifest.dump());
  EXPECT_NE(merge_error({b}, out).find("the run is not complete (status 'running')"), std::string::npos);
  EXPECT_NE(merge_error({a, fresh_dir("nothing")}, out).find("not a directory"), std::string::npos);
  EXPECT_NE(merge_error({a, a}, a).find("the output directory is also an input"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
  for (const fs::path& dir : {a, b, c, other}) fs::remove_all(dir);
}

}  // namespace
}  // namespace infoplane::experiment
