/// @brief verify_run: an intact run passes; changed bytes, broken invariants of exact MI,
/// NaN and an unfinished run are each reported; estimator rows are not bound by them; a
/// diverging repetition is restarted and leaves no NaN behind.
#include "infoplane/experiment/verify.h"
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

namespace infoplane::experiment {
namespace {

namespace fs = std::filesystem;

using testing::checksums_json;
using testing::manifest_json;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane_verify_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::vector<std::string> k_names{"exact", "ksg:k=3"};

/// Two repetitions x two epochs x layers 0..2 of plausible exact values, and ksg rows with
/// NaN I(X;T) (as the ksg estimator writes them).
RepetitionResult result(std::size_t index) {
  RepetitionResult r;
  r.index = index;
  r.seed = index;
  r.ok = true;
  for (std::uint32_t epoch = 1; epoch <= 2; ++epoch) {
    r.accuracy.push_back({epoch, 0.75, 0.5, 0.6});
    for (std::uint16_t layer = 0; layer < 3; ++layer) {
      r.mi.push_back({epoch, layer, 0, 12.0 - 4.0 * layer, 0.9991571209 - 0.25 * layer});
    }
    for (std::uint16_t layer = 1; layer < 3; ++layer) {
      r.mi.push_back({epoch, layer, 1, std::numeric_limits<double>::quiet_NaN(), 0.9 + 0.1 * layer});
      r.ranges.push_back({epoch, layer, -1.0f, 1.0f});
    }
  }
  return r;
}

/// Writes a complete run directory as `infoplane run` does.
void write_run(const fs::path& dir) {
  Config config = parse_config("", "test.toml");
  config.experiment.repetitions = 2;
  RunStore store(dir);
  nlohmann::json manifest{{"config", config.to_json()},
                          {"dataset", {{"n_samples", 4096}, {"h_y", 0.9991571209}}},
                          {"status", "complete"},
                          {"repetitions", nlohmann::json::array()}};
  for (std::size_t i = 0; i < 2; ++i) {
    store.write_repetition(result(i), k_names);
    manifest["repetitions"].push_back(store::to_json(repetition_record(result(i))));
  }
  manifest["checksums"] = {{"algorithm", "crc32"}, {"config", config_checksum(manifest["config"])},
                           {"files", checksums_json(store.merge({0, 1}))}};
  store::write_file_atomic(store.dir() / "manifest.json", nlohmann::json(manifest).dump(2));
}

/// Replaces `from` by `to` in RUN_DIR/FILE and records the new checksum in the manifest, so
/// that only the invariants can catch the change.
void edit(const fs::path& dir, const std::string& file, const std::string& from, const std::string& to) {
  std::string text = slurp(dir / file);
  const std::size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  store::write_file_atomic(dir / file, text);
  nlohmann::json manifest = manifest_json(dir);
  manifest["checksums"]["files"][file] = store::to_json(store::file_checksum(text));
  store::write_file_atomic(dir / "manifest.json", manifest.dump(2));
}

std::string all(const VerifyReport& report) {
  std::string s;
  for (const Violation& v : report.violations) s += v.where + ": " + v.what + "\n";
  return s;
}

TEST(Verify, AnIntactRunPasses) {
  const fs::path dir = fresh_dir("intact");
  write_run(dir);
  const VerifyReport report = verify_run(dir);
  EXPECT_TRUE(report.ok()) << all(report);
  EXPECT_EQ(report.n_files, 3U + 2U * 3U);
  EXPECT_EQ(report.n_rows, 2U * 2U * (3U + 2U) + 2U * 2U + 2U * 2U * 2U);
  EXPECT_TRUE(report.notes.empty());
  fs::remove_all(dir);
}

TEST(Verify, ChangedBytesAreCaughtByTheChecksums) {
  const fs::path dir = fresh_dir("bytes");
  write_run(dir);
  std::string text = slurp(dir / "accuracy.csv");
  text.replace(text.find("0.750000"), 8, "0.760000");
  std::ofstream(dir / "accuracy.csv", std::ios::binary) << text;
  nlohmann::json manifest = manifest_json(dir);
  manifest["config"]["training"]["epochs"] = 7;
  store::write_file_atomic(dir / "manifest.json", manifest.dump());
  std::ofstream(store::part_path(dir, 1, "range.csv"), std::ios::app) << "1,3,1,0,1\n";

  const VerifyReport report = verify_run(dir);
  const std::string text_report = all(report);
  EXPECT_EQ(report.violations.size(), 3U) << text_report;
  EXPECT_NE(text_report.find("accuracy.csv: checksum mismatch"), std::string::npos) << text_report;
  EXPECT_NE(text_report.find("manifest.json: config checksum"), std::string::npos) << text_report;
  EXPECT_NE(text_report.find("rep-000001.range.csv: checksum mismatch"), std::string::npos) << text_report;
  fs::remove_all(dir);
}

TEST(Verify, BrokenInvariantsOfExactRowsAreReportedWithTheirLine) {
  const fs::path dir = fresh_dir("invariants");
  write_run(dir);
  // mi.csv: header, then per epoch exact layers 0..2 and ksg layers 1..2.
  edit(dir, "mi.csv", "0,1,2,exact,4,0.4991571209", "0,1,2,exact,9,0.4991571209");  // I(X;T) grows: DPI
  edit(dir, "mi.csv", "0,2,1,exact,8,0.7491571209", "0,2,1,exact,nan,0.7491571209");
  edit(dir, "mi.csv", "1,1,0,exact,12,0.9991571209", "1,1,0,exact,12.5,1.2");
  const VerifyReport report = verify_run(dir);
  const std::string text = all(report);
  EXPECT_NE(text.find("mi.csv line 4: repetition 0, epoch 1, layer 2 (exact): I(X;T) = 9 > 8 of layer 1 "
                      "(data-processing inequality)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("mi.csv line 8: repetition 0, epoch 2, layer 1 (exact): I(X;T) = nan, I(T;Y) = 0.7491571209: "
                      "exact values must be finite"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("mi.csv line 12: repetition 1, epoch 1, layer 0 (exact): I(X;T) = 12.5 > log2 N = 12"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("I(T;Y) = 1.2 > H(Y) = 0.9991571209"), std::string::npos) << text;
  EXPECT_EQ(report.violations.size(), 4U) << text;
  fs::remove_all(dir);
}

TEST(Verify, EstimatorRowsMayBeNaNAndAreNotBoundByTheExactInvariants) {
  const fs::path dir = fresh_dir("estimators");
  write_run(dir);
  edit(dir, "mi.csv", "0,1,2,ksg:k=3,nan,1.1", "0,1,2,ksg:k=3,nan,3.5");
  const VerifyReport report = verify_run(dir);
  EXPECT_TRUE(report.ok()) << all(report);
  fs::remove_all(dir);
}

TEST(Verify, MalformedRowsDuplicatesAndAnUnfinishedRunAreReported) {
  const fs::path dir = fresh_dir("malformed");
  write_run(dir);
  edit(dir, "mi.csv", "0,1,1,exact,8,0.7491571209\n", "0,1,1,exact,8,0.7491571209\n0,1,1,exact,8,0.7491571209\n");
  edit(dir, "activation_range.csv", "0,1,1,-1,1", "0,1,1,2,1");
  edit(dir, "accuracy.csv", "1,2,0.750000", "1,2,x.750000");
  nlohmann::json manifest = manifest_json(dir);
  manifest["status"] = "running";
  store::write_file_atomic(dir / "manifest.json", manifest.dump());
  const VerifyReport report = verify_run(dir);
  const std::string text = all(report);
  EXPECT_EQ(report.violations.size(), 4U) << text;
  EXPECT_NE(text.find("mi.csv line 4: repetition 0, epoch 1, layer 1 (exact): duplicate row"), std::string::npos) << text;
  EXPECT_NE(text.find("activation_range.csv line 2: repetition 0, epoch 1, layer 1: range [2, 1]"), std::string::npos)
      << text;
  EXPECT_NE(text.find("accuracy.csv line 5: malformed row '1,2,x.750000,0.500000,0.6'"), std::string::npos) << text;
  EXPECT_NE(text.find("manifest.json: status is 'running', expected 'complete'"), std::string::npos) << text;
  fs::remove_all(dir);
}

TEST(Verify, NotARunDirectoryIsAnInputError) {
  const fs::path dir = fresh_dir("none");
  EXPECT_THROW(verify_run(dir), InputError);
  fs::create_directories(dir);
  EXPECT_THROW(verify_run(dir), InputError);
  fs::remove_all(dir);
}

TEST(Verify, ACorruptManifestFailsVerificationLikeACorruptCsv) {
  const fs::path dir = fresh_dir("corrupt_manifest");
  fs::create_directories(dir);
  std::ofstream(dir / "manifest.json") << "{ not json";
  const VerifyReport report = verify_run(dir);
  ASSERT_EQ(report.violations.size(), 1U);
  EXPECT_EQ(report.violations[0].where, "manifest.json");
  EXPECT_NE(report.violations[0].what.find("not valid JSON"), std::string::npos) << report.violations[0].what;
  std::ofstream(dir / "manifest.json") << "[1, 2]";
  EXPECT_FALSE(verify_run(dir).ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace infoplane::experiment
