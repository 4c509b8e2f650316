/// @brief The run directory store: checksums, atomic writes under a file-size limit, part
/// files written and read back, corruption detection, the one-writer lock.
#include "infoplane/experiment/store.h"
#include "infoplane/store/files.h"
#include "infoplane/store/manifest.h"
#include "../store/store_testing.h"

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "infoplane/experiment/lock.h"

namespace infoplane::experiment {
namespace {

namespace fs = std::filesystem;

using testing::checksums_json;
using testing::manifest_json;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane_store_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

RepetitionResult small_result(std::size_t index) {
  RepetitionResult r;
  r.index = index;
  r.seed = 10 + index;
  r.ok = true;
  r.restarts = 1;
  r.restart_reasons = {"non-finite training loss at epoch 1"};
  for (std::uint32_t epoch = 1; epoch <= 2; ++epoch) {
    r.accuracy.push_back({epoch, 0.5 + 0.1 * epoch, 0.5, 0.69});
    for (std::uint16_t layer = 0; layer < 3; ++layer) {
      r.mi.push_back({epoch, layer, 0, 12.0 - 4.0 * layer, 0.9991571209 - 0.1 * layer});
      if (layer > 0) r.mi.push_back({epoch, layer, 1, 3.25, 0.5});
    }
    for (std::uint32_t layer = 1; layer < 3; ++layer) r.ranges.push_back({epoch, layer, -1.0f, 0.75f});
  }
  return r;
}

const std::vector<std::string> k_names{"exact", "binning:30,bounds=fixed"};

TEST(Store, Crc32IsZlibsCrc32) {
  EXPECT_EQ(store::crc32_hex("123456789"), "cbf43926");  // the CRC-32 check value
  EXPECT_EQ(store::crc32_hex(""), "00000000");
  EXPECT_EQ(store::to_json(store::file_checksum("abc")), (nlohmann::json{{"crc32", "352441c2"}, {"bytes", 3}}));
  EXPECT_EQ(labels_checksum({0, 1}), store::crc32_hex("0\n1\n"));
}

TEST(Store, ResultConfigIgnoresTheThreadCountAndDifferencesNameTheKey) {
  const nlohmann::json a{{"training", {{"epochs", 12}}}, {"experiment", {{"threads", 1}, {"seed", 0}}}};
  nlohmann::json b = a;
  b["experiment"]["threads"] = 8;
  EXPECT_EQ(json_difference(result_config(a), result_config(b)), "");
  b["training"]["epochs"] = 20;
  EXPECT_EQ(json_difference(result_config(a), result_config(b)), "training.epochs: 12 vs 20");
  b = a;
  b["experiment"].erase("seed");
  EXPECT_EQ(json_difference(a, b), "experiment.seed: 0 vs (absent)");
}

TEST(Store, PartsAreWrittenWithChecksumsAndReadBack) {
  const fs::path dir = fresh_dir("parts");
  {
    RunStore store(dir);
    store.write_repetition(small_result(0), k_names);
    store.write_repetition(small_result(1), k_names);
    const PartCheck check = check_part(dir, 1);
    ASSERT_TRUE(check.complete) << check.problem;
    EXPECT_EQ(store::to_json(check.meta), store::to_json(repetition_record(small_result(1))));
    EXPECT_FALSE(check_part(dir, 2).complete);
    EXPECT_TRUE(check_part(dir, 2).problem.empty());

    const RepetitionResult back = store.read_repetition(1, k_names);
    const RepetitionResult original = small_result(1);
    EXPECT_EQ(back.seed, 11U);
    EXPECT_EQ(back.restarts, 1U);
    EXPECT_EQ(back.restart_reasons, original.restart_reasons);
    EXPECT_TRUE(back.ok);
    ASSERT_EQ(back.mi.size(), original.mi.size());
    for (std::size_t k = 0; k < back.mi.size(); ++k) {
      EXPECT_EQ(back.mi[k].estimator, original.mi[k].estimator);
      EXPECT_EQ(back.mi[k].layer, original.mi[k].layer);
      EXPECT_NEAR(back.mi[k].i_xt, original.mi[k].i_xt, 1e-9);
    }
    ASSERT_EQ(back.accuracy.size(), 2U);
    EXPECT_NEAR(back.accuracy[1].train_accuracy, 0.7, 1e-6);
    ASSERT_EQ(back.ranges.size(), 4U);
    EXPECT_EQ(back.ranges[3].max, 0.75f);

    const nlohmann::json sums = checksums_json(store.merge({0, 1}));
    const std::string mi = slurp(dir / "mi.csv");
    EXPECT_EQ(sums["mi.csv"], store::to_json(store::file_checksum(mi)));
    EXPECT_NE(mi.find("\n1,2,2,\"binning:30,bounds=fixed\",3.25,0.5\n"), std::string::npos) << mi;
  }
  // A changed byte in a part makes the repetition incomplete, with the reason.
  std::string text = slurp(store::part_path(dir, 1, "mi.csv"));
  text[text.size() - 2] = text[text.size() - 2] == '5' ? '6' : '5';
  std::ofstream(store::part_path(dir, 1, "mi.csv"), std::ios::binary) << text;
  const PartCheck corrupt = check_part(dir, 1);
  EXPECT_FALSE(corrupt.complete);
  EXPECT_NE(corrupt.problem.find("rep-000001.mi.csv: checksum mismatch"), std::string::npos) << corrupt.problem;
  fs::remove(store::part_path(dir, 0, "range.csv"));
  EXPECT_NE(check_part(dir, 0).problem.find("rep-000000.range.csv: missing"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Store, CreateRefusesAnExistingRunAndResumeNeedsOne) {
  const fs::path dir = fresh_dir("modes");
  EXPECT_THROW(RunStore(dir, StoreMode::resume), InputError);
  EXPECT_FALSE(fs::exists(dir));
  // A start killed before its manifest was written leaves an empty parts/: not a run yet.
  fs::create_directories(dir / "parts");
  EXPECT_NO_THROW(RunStore{dir});
  { RunStore store(dir); store::write_file_atomic(store.dir() / "manifest.json", nlohmann::json{{"status", "running"}}.dump(2)); }
  try {
    RunStore again(dir);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("already holds a run"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
  // Resume removes temporaries a killed writer left behind.
  std::ofstream(dir / "parts" / "rep-000003.mi.csv.tmp-99999") << "half";
  std::ofstream(dir / "mi.csv.tmp-99999") << "half";
  {
    RunStore resumed(dir, StoreMode::resume);
    EXPECT_EQ(manifest_json(dir)["status"], "running");
  }
  EXPECT_FALSE(fs::exists(dir / "parts" / "rep-000003.mi.csv.tmp-99999"));
  EXPECT_FALSE(fs::exists(dir / "mi.csv.tmp-99999"));
  EXPECT_FALSE(fs::exists(RunLock::file(dir)));  // released and removed
  fs::remove_all(dir);
}

TEST(Store, OneWriterPerDirectoryAndStaleLocksAreTakenOver) {
  const fs::path dir = fresh_dir("lock");
  fs::create_directories(dir);
  {
    RunLock held(dir);
    EXPECT_TRUE(held.stale_holder().empty());
    EXPECT_EQ(slurp(RunLock::file(dir)), lock_holder_id() + "\n");
    try {
      RunLock second(dir);
      ADD_FAILURE() << "expected an InputError";
    } catch (const InputError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("another infoplane process (pid " + std::to_string(::getpid())), std::string::npos)
          << message;
      EXPECT_NE(message.find(dir.string()), std::string::npos) << message;
    }
    EXPECT_THROW(RunStore(dir, StoreMode::create), InputError);
  }
  // A lock file nobody holds: its writer died (flock locks end with their process).
  std::ofstream(RunLock::file(dir)) << "999999 deadhost\n";
  {
    RunLock taken(dir);
    EXPECT_EQ(taken.stale_holder(), "pid 999999 on host deadhost");
  }
  fs::remove_all(dir);
}

TEST(Store, AFailedWriteKeepsThePreviousFileAndLeavesNoTemporary) {
  const fs::path dir = fresh_dir("full");
  fs::create_directories(dir);
  const fs::path file = dir / "mi.csv";
  store::write_file_atomic(file, "old content\n");

  // A full disk, simulated by a file size limit (SIGXFSZ ignored, so write() fails with EFBIG).
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 1000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string message;
  try {
    store::write_file_atomic(file, std::string(100000, 'x'));
  } catch (const InputError& e) {
    message = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous_handler);

  EXPECT_NE(message.find(file.string() + ": write failed: File too large"), std::string::npos) << message;
  EXPECT_EQ(slurp(file), "old content\n");
  std::size_t n_files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++n_files;
  EXPECT_EQ(n_files, 1U);

  EXPECT_THROW(store::write_file_atomic(dir / "no" / "such" / "folder.csv", "x"), InputError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace infoplane::experiment
