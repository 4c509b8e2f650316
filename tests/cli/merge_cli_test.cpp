/// @brief `infoplane merge` on the command line: what it refuses, with exit code 2 and one
/// line, leaving its inputs untouched.
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
const std::string k_args = " --repetitions 2 --seed 3 --threads 1 --no-plot";

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane_merge_cli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

void expect_one_line(const CliResult& r, const std::string& text) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
}

TEST(MergeCli, RefusesShardsThatDoNotFitTogether) {
  const fs::path a = fresh_dir("a"), b = fresh_dir("b"), longer = fresh_dir("longer"), out = fresh_dir("out");
  ASSERT_EQ(run_cli("run " + k_config + k_args + " --epochs 3 --shard 1/2 --out " + a.string()).exit_code, 0);
  ASSERT_EQ(run_cli("run " + k_config + k_args + " --epochs 3 --shard 2/2 --out " + b.string()).exit_code, 0);
  ASSERT_EQ(run_cli("run " + k_config + k_args + " --epochs 4 --shard 2/2 --out " + longer.string()).exit_code, 0);
  const std::string before = slurp(a / "manifest.json");

  expect_one_line(run_cli("merge " + a.string() + " --out " + out.string()),
                  "merge: repetition 1 of 2 is in none of the directories");
  expect_one_line(run_cli("merge " + a.string() + " " + a.string() + " --out " + out.string()),
                  "repetition 0 is in both " + a.string() + " and " + a.string());
  expect_one_line(run_cli("merge " + a.string() + " " + longer.string() + " --out " + out.string()),
                  "the config differs from that of " + a.string() + " at training.epochs: 3 vs 4");
  expect_one_line(run_cli("merge " + a.string() + " " + b.string() + " --out " + a.string()),
                  "the output directory is also an input");
  expect_one_line(run_cli("merge " + a.string() + " " + out.string() + "-none --out " + out.string()),
                  out.string() + "-none: not a directory, expected a run directory");
  EXPECT_FALSE(fs::exists(out));
  const CliResult no_out = run_cli("merge " + a.string() + " " + b.string());
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.err.find("--out"), std::string::npos) << no_out.err;

  ASSERT_EQ(run_cli("merge " + a.string() + " " + b.string() + " --out " + out.string()).exit_code, 0);
  expect_one_line(run_cli("merge " + a.string() + " " + b.string() + " --out " + out.string()),
                  "already holds a run");
  EXPECT_EQ(slurp(a / "manifest.json"), before);
  for (const fs::path& dir : {a, b, longer, out}) fs::remove_all(dir);
}

}  // namespace
}  // namespace infoplane::testing
