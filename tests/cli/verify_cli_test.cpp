/// @brief `infoplane verify` on the command line: exit 0 on an intact run, 1 with each
/// violation on its own line, 2 when the argument is not a run directory; a diverging
/// repetition is restarted and its run verifies, with no NaN in mi.csv.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace infoplane::testing {
namespace {

namespace fs = std::filesystem;

const std::string k_config = std::string(INFOPLANE_FIXTURES) + "/../../experiments/szt-tanh-8bit.toml";

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane_verify_cli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

TEST(VerifyCli, IntactRunsPassAndChangesAreReportedLineByLine) {
  const fs::path dir = fresh_dir("run");
  const CliResult run = run_cli("run " + k_config + " --epochs 6 --repetitions 2 --threads 1 --no-plot --out " +
                                dir.string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const CliResult ok = run_cli("verify " + dir.string());
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find(dir.string() + ": OK (9 checksums, "), std::string::npos) << ok.out;

  // Layer 6 of repetition 1 at epoch 6 made to carry more information than layer 5.
  std::string mi = slurp(dir / "mi.csv");
  const std::size_t at = mi.find("\n1,6,6,exact,");
  ASSERT_NE(at, std::string::npos);
  mi.replace(at + 13, mi.find(',', at + 13) - (at + 13), "11.9999");
  std::ofstream(dir / "mi.csv", std::ios::binary) << mi;
  const CliResult bad = run_cli("verify " + dir.string());
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("mi.csv: checksum mismatch"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("repetition 1, epoch 6, layer 6 (exact): I(X;T) = 11.9999 > "), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("(data-processing inequality)"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find(dir.string() + ": 2 violations"), std::string::npos) << bad.out;
  fs::remove_all(dir);
}

TEST(VerifyCli, NotARunDirectoryExitsWith2) {
  const fs::path dir = fresh_dir("none");
  const CliResult missing = run_cli("verify " + dir.string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find(dir.string() + ": no such directory"), std::string::npos) << missing.err;
  fs::create_directories(dir);
  const CliResult empty = run_cli("verify " + dir.string());
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("not a run directory (no manifest.json)"), std::string::npos) << empty.err;
  EXPECT_EQ(run_cli("verify").exit_code, 2);
  fs::remove_all(dir);
}

TEST(VerifyCli, ADivergingRepetitionIsRestartedAndLeavesNoNaN) {
  // With epsilon below float precision Adam divides 0 by 0 for weights without gradient
  // (dead ReLUs): the loss turns NaN in the first epoch, and the attempt is abandoned.
  const fs::path config = fresh_dir("diverging.toml"), dir = fresh_dir("diverging");
  std::ofstream(config) << "[network]\nactivation = \"relu\"\n[training]\nepsilon = 1e-300\nepochs = 3\n"
                           "[experiment]\nrepetitions = 1\nmax_restarts = 4\nthreads = 1\n";
  const CliResult run = run_cli("run " + config.string() + " --no-plot --out " + dir.string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json manifest = nlohmann::json::parse(slurp(dir / "manifest.json"));
  const nlohmann::json& rep = manifest["repetitions"][0];
  ASSERT_GE(rep["restarts"].get<int>(), 1) << rep.dump();
  EXPECT_EQ(rep["restart_reasons"][0], "non-finite training loss at epoch 1");
  const std::string mi = slurp(dir / "mi.csv");
  if (rep["status"] == "ok") {
    EXPECT_GT(std::count(mi.begin(), mi.end(), '\n'), 1);
  }
  EXPECT_EQ(mi.find("nan"), std::string::npos);
  EXPECT_EQ(mi.find("inf"), std::string::npos);
  EXPECT_EQ(slurp(dir / "accuracy.csv").find("nan"), std::string::npos);
  const CliResult verify = run_cli("verify " + dir.string());
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  fs::remove(config);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace infoplane::testing
