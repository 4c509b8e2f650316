/// @brief manifest.json through its one reader and writer: a round trip keeps every field
/// and the keys of other versions; a field of the wrong type is named with its path.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "infoplane/store/files.h"
#include "infoplane/store/manifest.h"

namespace infoplane::store {
namespace {

namespace fs = std::filesystem;

const nlohmann::json k_manifest = nlohmann::json::parse(R"({
  "status": "complete", "infoplane_version": "0.1.0", "git_commit": "abc", "config_file": "x.toml",
  "config": {"name": "x", "experiment": {"repetitions": 2}},
  "dataset": {"name": "szt", "n_samples": 4096, "n_features": 12, "n_train": 3276, "n_test": 820,
              "n_classes": 2, "h_y": 0.99},
  "layers": [{"index": 0, "name": "input", "width": 12, "activation": "input", "max_bits_h": 12.0},
             {"index": 1, "name": "conv1", "width": 8, "activation": "relu", "shape": [2, 2, 2]}],
  "repetitions": [{"index": 0, "seed": 0, "restarts": 0, "restart_reasons": [], "status": "ok",
                   "wall_seconds": 1.5, "final_train_accuracy": 0.9, "final_test_accuracy": 0.8},
                  {"index": 1, "seed": 1, "restarts": 2, "restart_reasons": ["a", "b", "c"], "status": "failed",
                   "message": "gave up", "wall_seconds": 2.0, "from_a_later_version": true}],
  "shard": {"index": 1, "count": 2, "rule": "repetition % count == index - 1"},
  "merged_from": [{"dir": "a", "wall_seconds": 1.0, "n_repetitions": 2,
                   "shard": {"index": 2, "count": 2, "rule": "repetition % count == index - 1"}}],
  "threads": 2,
  "checksums": {"algorithm": "crc32", "config": "12345678", "labels": "9abcdef0",
                "files": {"mi.csv": {"crc32": "00000001", "bytes": 10}}},
  "started": "2026-01-01T00:00:00Z", "resumed": ["2026-01-02T00:00:00Z"], "finished": "2026-01-03T00:00:00Z",
  "wall_seconds": 3.5, "build": {"compiler": "GNU 12"}, "verification": {"ok": true},
  "a_key_of_another_version": [1, 2]
})");

TEST(StoreManifest, ARoundTripKeepsEveryFieldAndUnknownKeys) {
  const Manifest m = manifest_from_json(k_manifest, "m.json");
  EXPECT_EQ(m.status, k_status_complete);
  EXPECT_EQ(m.dataset.n_samples, 4096U);
  EXPECT_EQ(m.layers[1].shape, (std::vector<std::size_t>{2, 2, 2}));
  ASSERT_EQ(m.repetitions.size(), 2U);
  EXPECT_FALSE(m.repetitions[1].ok());
  EXPECT_EQ(m.repetitions[1].restarts, 2U);
  EXPECT_EQ(*m.repetitions[0].final_test_accuracy, 0.8);
  EXPECT_FALSE(m.repetitions[1].final_test_accuracy);
  ASSERT_TRUE(m.shard);
  EXPECT_EQ(m.shard->count, 2U);
  EXPECT_EQ(m.merged_from.at(0).shard->index, 2U);
  EXPECT_EQ(m.checksums.files.at("mi.csv").bytes, 10U);
  EXPECT_EQ(m.repetition(1)->message, "gave up");
  EXPECT_EQ(to_json(m), k_manifest);
}

TEST(StoreManifest, WrittenAndReadBackThroughTheRunDirectory) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane_manifest_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write_manifest(dir, manifest_from_json(k_manifest, "m.json"));
  EXPECT_EQ(to_json(read_manifest(dir)), k_manifest);
  EXPECT_EQ(read_file(dir / "manifest.json").back(), '\n');
  fs::remove_all(dir);
}

TEST(StoreManifest, AFieldOfTheWrongTypeIsNamedWithItsPath) {
  const auto error = [](const std::string& text) {
    try {
      manifest_from_json(nlohmann::json::parse(text), "RUN/manifest.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error(R"({"dataset": {"h_y": "x"}})"), "RUN/manifest.json: dataset.h_y must be a number, got \"x\"");
  EXPECT_EQ(error(R"({"repetitions": [{"index": -1}]})"),
            "RUN/manifest.json: repetitions[0]: index must be a whole number >= 0, got -1");
  EXPECT_EQ(error(R"({"layers": [{"shape": [2, "a"]}]})"),
            "RUN/manifest.json: layers[0].shape[1] must be a whole number >= 0, got \"a\"");
  EXPECT_EQ(error(R"({"checksums": {"files": {"mi.csv": {"bytes": 1.5}}}})"),
            "RUN/manifest.json: checksums.files.mi.csv.bytes must be a whole number >= 0, got 1.5");
  EXPECT_EQ(error(R"({"status": 3})"), "RUN/manifest.json: status must be a string, got 3");
  // A NaN is written as null and read back as NaN.
  EXPECT_TRUE(std::isnan(manifest_from_json(nlohmann::json::parse(R"({"dataset": {"h_y": null}})"), "m").dataset.h_y));
}

}  // namespace
}  // namespace infoplane::store
