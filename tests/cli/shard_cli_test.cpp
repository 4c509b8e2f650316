/// @brief `infoplane run --shard I/N` and `infoplane merge`: three shards run in parallel
/// and merge into the files of a single-process run, byte for byte.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace infoplane::testing {
namespace {

namespace fs = std::filesystem;

const std::string k_config = std::string(INFOPLANE_FIXTURES) + "/../../experiments/szt-tanh-8bit.toml";
const std::string k_args = " --epochs 9 --repetitions 5 --seed 11 --mi-every 2 --threads 1 --no-plot";

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane_shard_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

nlohmann::json manifest_of(const fs::path& dir) { return nlohmann::json::parse(slurp(dir / "manifest.json")); }

TEST(ShardCli, ThreeShardsInParallelMergeIntoTheSingleProcessRun) {
  const fs::path single = fresh_dir("single"), merged = fresh_dir("merged");
  const CliResult one = run_cli("run " + k_config + k_args + " --out " + single.string());
  ASSERT_EQ(one.exit_code, 0) << one.err;

  // Three processes at once, as a job array would start them; each records its exit code.
  std::vector<fs::path> shards;
  std::string command;
  for (int i = 1; i <= 3; ++i) {
    shards.push_back(fresh_dir("part" + std::to_string(i)));
    const fs::path rc = shards.back().string() + ".rc";
    command += fmt::format("({} run {}{} --shard {}/3 --out {} >/dev/null 2>{}.err; echo $? >{}) & ", INFOPLANE_CLI,
                           k_config, k_args, i, shards.back().string(), shards.back().string(), rc.string());
  }
  command += "wait";
  ASSERT_EQ(std::system(command.c_str()), 0);
  for (const fs::path& shard : shards) {
    ASSERT_EQ(slurp(shard.string() + ".rc"), "0\n") << slurp(shard.string() + ".err");
  }

  // Shard I holds the repetitions with index % 3 == I - 1.
  const nlohmann::json first = manifest_of(shards[0]);
  EXPECT_EQ(first["shard"]["index"], 1);
  EXPECT_EQ(first["shard"]["count"], 3);
  ASSERT_EQ(first["repetitions"].size(), 2U);
  EXPECT_EQ(first["repetitions"][0]["index"], 0);
  EXPECT_EQ(first["repetitions"][1]["index"], 3);
  EXPECT_EQ(first["repetitions"][1]["seed"], 14);
  EXPECT_EQ(manifest_of(shards[2])["repetitions"].size(), 1U);

  const CliResult merge = run_cli("merge " + shards[2].string() + " " + shards[0].string() + " " +
                                  shards[1].string() + " --out " + merged.string());
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  EXPECT_NE(merge.out.find("5 repetitions merged from 3 directories"), std::string::npos) << merge.out;
  for (const char* file : {"mi.csv", "accuracy.csv", "activation_range.csv"}) {
    EXPECT_TRUE(slurp(merged / file) == slurp(single / file)) << file;
  }
  const nlohmann::json a = manifest_of(merged), b = manifest_of(single);
  EXPECT_EQ(a["checksums"], b["checksums"]);
  EXPECT_EQ(a["config"]["training"], b["config"]["training"]);
  EXPECT_FALSE(a.contains("shard"));
  ASSERT_EQ(a["repetitions"].size(), 5U);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(a["repetitions"][i]["seed"], b["repetitions"][i]["seed"]);
  const CliResult verify = run_cli("verify " + merged.string());
  EXPECT_EQ(verify.exit_code, 0) << verify.out;

  // A shard resumes like any run, with its --shard given again.
  const CliResult resumed = run_cli("run " + k_config + k_args + " --shard 2/3 --resume --out " + shards[1].string());
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("2 of 2 repetitions already finished"), std::string::npos) << resumed.err;

  // Two of three shards: the third's repetitions are named as missing.
  const fs::path partial = fresh_dir("partial");
  const CliResult missing =
      run_cli("merge " + shards[0].string() + " " + shards[1].string() + " --out " + partial.string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("repetition 2 of 5 is in none of the directories; run the shard that holds it"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(partial));

  for (const fs::path& shard : shards) {
    fs::remove_all(shard);
    fs::remove(shard.string() + ".rc");
    fs::remove(shard.string() + ".err");
  }
  fs::remove_all(single);
  fs::remove_all(merged);
}

TEST(ShardCli, BadShardsExitWith2) {
  for (const char* shard : {"0/3", "4/3", "1/0", "a/b", "3", "1/3/2"}) {
    const CliResult r = run_cli("run " + k_config + k_args + " --shard " + shard + " --out " +
                                fresh_dir("bad").string());
    EXPECT_EQ(r.exit_code, 2) << shard;
    EXPECT_NE(r.err.find("--shard: expected I/N with 1 <= I <= N"), std::string::npos) << shard << ": " << r.err;
  }
  const CliResult empty = run_cli("run " + k_config + k_args + " --shard 6/6 --out " + fresh_dir("bad").string());
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("--shard 6/6: no repetition falls in this shard (5 repetitions, so at most 5 shards)"),
            std::string::npos)
      << empty.err;
  EXPECT_FALSE(fs::exists(fresh_dir("bad")));
}

}  // namespace
}  // namespace infoplane::testing
