/// @brief Faults at every atomic write (INFOPLANE_KILL_AT_WRITE, store/files.h): a killed
/// merge is finished by the same merge, a run killed before its first manifest is started
/// again cleanly, and neither ever leaves result files that look complete.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace infoplane::testing {
namespace {

namespace fs = std::filesystem;

const std::string k_config = std::string(INFOPLANE_FIXTURES) + "/../../experiments/szt-tanh-8bit.toml";
const std::string k_args = " --repetitions 3 --epochs 3 --seed 2 --threads 1 --no-plot";
constexpr const char* k_files[] = {"mi.csv", "accuracy.csv", "activation_range.csv"};

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane_fault_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string status_of(const fs::path& dir) {
  std::ifstream in(dir / "manifest.json");
  if (!in) return "(no manifest)";
  return nlohmann::json::parse(in).value("status", std::string("(none)"));
}

/// The command killed at its k-th atomic write.
std::string killed_at(int k, const std::string& command) {
  return "env INFOPLANE_KILL_AT_WRITE=" + std::to_string(k) + " " + std::string(INFOPLANE_CLI) + " " + command;
}

/// Runs a shell command with its output discarded; its exit status.
int shell(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

TEST(FaultCli, AMergeKilledAtAnyWriteIsFinishedByTheSameMergeWithTheSameFiles) {
  const fs::path a = fresh_dir("a"), b = fresh_dir("b"), whole = fresh_dir("whole"), out = fresh_dir("out");
  ASSERT_EQ(run_cli("run " + k_config + k_args + " --shard 1/2 --out " + a.string()).exit_code, 0);
  ASSERT_EQ(run_cli("run " + k_config + k_args + " --shard 2/2 --out " + b.string()).exit_code, 0);
  const std::string merge = "merge " + a.string() + " " + b.string() + " --out ";
  ASSERT_EQ(run_cli(merge + whole.string()).exit_code, 0);
  // 3 repetitions x 4 part files, 3 merged files, 2 manifests.
  constexpr int k_writes = 3 * 4 + 3 + 2;
  for (int k = 1; k <= k_writes; ++k) {
    SCOPED_TRACE("killed at write " + std::to_string(k));
    fs::remove_all(out);
    EXPECT_NE(shell(killed_at(k, merge + out.string())), 0);
    // Result files exist only under a manifest that says they are not complete yet.
    if (fs::exists(out / "mi.csv")) {
      EXPECT_EQ(status_of(out), "merging");
    }
    if (fs::exists(out / "manifest.json")) {
      EXPECT_EQ(run_cli("verify " + out.string()).exit_code, 1);
      const CliResult resume = run_cli("run " + k_config + k_args + " --resume --out " + out.string());
      EXPECT_EQ(resume.exit_code, 2);
      EXPECT_NE(resume.err.find("interrupted merge; run the same 'infoplane merge' command again"),
                std::string::npos)
          << resume.err;
    }
    const CliResult again = run_cli(merge + out.string());
    ASSERT_EQ(again.exit_code, 0) << again.err;
    for (const char* file : k_files) EXPECT_TRUE(slurp(out / file) == slurp(whole / file)) << file;
    EXPECT_EQ(status_of(out), "complete");
    const CliResult verify = run_cli("verify " + out.string());
    EXPECT_EQ(verify.exit_code, 0) << verify.out;
  }
  // Other inputs do not finish someone else's merge.
  fs::remove_all(out);
  EXPECT_NE(shell(killed_at(1 + 4, merge + out.string())), 0);
  const CliResult other = run_cli("merge " + b.string() + " " + a.string() + " --out " + out.string());
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("holds an interrupted merge of other run directories"), std::string::npos) << other.err;
  for (const fs::path& dir : {a, b, whole, out}) fs::remove_all(dir);
}

TEST(FaultCli, ARunKilledBeforeItsFirstManifestStartsAgainWithoutLeftovers) {
  const fs::path whole = fresh_dir("run_whole"), out = fresh_dir("run_out");
  ASSERT_EQ(run_cli("run " + k_config + k_args + " --out " + whole.string()).exit_code, 0);
  // Killed at its first write: the manifest's temporary file is all there is.
  EXPECT_NE(shell(killed_at(1, "run " + k_config + k_args + " --out " + out.string())), 0);
  ASSERT_TRUE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out / "manifest.json"));
  // The batch snippet of docs/long-runs.md: no manifest, so a plain run; it cleans up.
  const CliResult again = run_cli("run " + k_config + k_args + " --out " + out.string());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const char* file : k_files) EXPECT_TRUE(slurp(out / file) == slurp(whole / file)) << file;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(out)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
  // verify names a stray temporary file.
  std::ofstream(out / "parts" / "rep-000001.mi.csv.tmp-4242") << "0,1";
  const CliResult verify = run_cli("verify " + out.string());
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_NE(verify.out.find("parts/rep-000001.mi.csv.tmp-4242: stray temporary file of a killed writer"),
            std::string::npos)
      << verify.out;
  for (const fs::path& dir : {whole, out}) fs::remove_all(dir);
}

TEST(FaultCli, NoFolderIsLeftByAnInputErrorFoundBeforeTraining) {
  const fs::path dir = fresh_dir("configs");
  fs::create_directories(dir);
  const auto expect_refused = [&](const std::string& name, const std::string& network, const std::string& text) {
    const fs::path config = dir / (name + ".toml");
    std::ofstream(config) << "name = \"" << name << "\"\n[network]\n" << network << "\n";
    const fs::path out = dir / (name + "-run");
    const CliResult r = run_cli("run " + config.string() + " --epochs 1 --repetitions 2 --out " + out.string());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(out)) << out;
  };
  expect_refused("conv", "layers = [{type = \"conv\", units = 2, size = 3}, \"flatten\", 4]",
                 "conv and maxpool layers need image data");
  // About 3 x 65536^2 x 4 bytes x 5 (weights, quantized copy, gradient, Adam's m and v).
  expect_refused("huge", "layers = [65536, 65536, 65536]", "the run needs about ");
  expect_refused("huge", "layers = [65536, 65536, 65536]", "are available; use smaller layers");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace infoplane::testing
