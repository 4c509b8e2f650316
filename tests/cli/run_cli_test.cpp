/// @brief `infoplane run` end to end: run directory contents, thread-count independence,
/// overrides, and clear errors with exit code 2.
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
  const fs::path dir = fs::temp_directory_path() / ("infoplane_run_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

fs::path write_config(const std::string& name, const std::string& text) {
  const fs::path path = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << text;
  return path;
}

TEST(RunCli, WritesTheRunDirectoryAndIsIndependentOfTheThreadCount) {
  const fs::path one = fresh_dir("one");
  const fs::path two = fresh_dir("two");
  const std::string common = k_config + " --epochs 12 --repetitions 3 --seed 5 --no-plot --mi-every 3 --out ";
  const CliResult a = run_cli("run " + common + one.string() + " --threads 1");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const CliResult b = run_cli("run " + common + two.string() + " --threads 2");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(a.out.find("3 of 3 repetitions finished"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("X (input)"), std::string::npos) << a.out;

  for (const char* file : {"mi.csv", "accuracy.csv", "activation_range.csv"}) {
    const std::string content = slurp(one / file);
    EXPECT_EQ(content, slurp(two / file)) << file;
  }
  const std::string mi = slurp(one / "mi.csv");
  EXPECT_EQ(mi.rfind("repetition,epoch,layer,estimator,i_xt,i_ty\n", 0), 0U);
  EXPECT_NE(mi.find("\n0,3,0,exact,12,0.9991571209\n"), std::string::npos);
  // 3 repetitions x 4 evaluated epochs (3, 6, 9, 12) x 7 layers + header.
  EXPECT_EQ(std::count(mi.begin(), mi.end(), '\n'), 3 * 4 * 7 + 1);
  EXPECT_EQ(slurp(one / "accuracy.csv").rfind("repetition,epoch,train_accuracy,test_accuracy,train_loss\n", 0), 0U);
  EXPECT_EQ(slurp(one / "activation_range.csv").rfind("repetition,epoch,layer,min,max\n", 0), 0U);

  const nlohmann::json manifest = nlohmann::json::parse(slurp(one / "manifest.json"));
  EXPECT_EQ(manifest["status"], "complete");
  EXPECT_EQ(manifest["config"]["training"]["epochs"], 12);
  EXPECT_EQ(manifest["config"]["experiment"]["seed"], 5);
  ASSERT_EQ(manifest["repetitions"].size(), 3U);
  EXPECT_EQ(manifest["repetitions"][2]["seed"], 7);
  EXPECT_EQ(manifest["repetitions"][2]["status"], "ok");
  EXPECT_TRUE(manifest["repetitions"][2].contains("final_train_accuracy"));
  EXPECT_EQ(manifest["layers"].size(), 7U);
  EXPECT_NEAR(manifest["dataset"]["h_y"].get<double>(), 0.9991571, 1e-7);
  EXPECT_TRUE(manifest.contains("git_commit"));
  EXPECT_TRUE(manifest.contains("wall_seconds"));

  // A second run into the same directory is refused and leaves the first intact.
  const CliResult again = run_cli("run " + common + one.string());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already holds a run"), std::string::npos) << again.err;
  EXPECT_EQ(slurp(one / "mi.csv"), mi);
  fs::remove_all(one);
  fs::remove_all(two);
}

TEST(RunCli, TheManifestRecordsTheBuildAndTheVerificationOfTheFinishedRun) {
  const fs::path dir = fresh_dir("build_record");
  const CliResult r = run_cli("run " + k_config + " --epochs 2 --repetitions 1 --no-plot --out " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json manifest = nlohmann::json::parse(slurp(dir / "manifest.json"));
  const nlohmann::json& build = manifest["build"];
  EXPECT_NE(build["compiler"].get<std::string>().find("GNU"), std::string::npos) << build.dump();
  EXPECT_NE(build["flags"].get<std::string>().find("-O"), std::string::npos) << build.dump();
  EXPECT_TRUE(build["cpu_features"].is_array());
  EXPECT_TRUE(build["source_modified"].is_boolean() || build["source_modified"].is_null());
  for (const char* library : {"eigen", "fmt", "nlohmann_json", "tomlplusplus", "zlib"}) {
    EXPECT_FALSE(build["libraries"][library].get<std::string>().empty()) << library;
  }
  EXPECT_EQ(manifest["verification"]["ok"], true) << manifest["verification"].dump();
  EXPECT_EQ(manifest["verification"]["violations"], 0);
  EXPECT_GT(manifest["verification"]["rows"].get<int>(), 0);
  EXPECT_EQ(run_cli("verify " + dir.string()).exit_code, 0);
  fs::remove_all(dir);
}

TEST(RunCli, AStudyInWhichEveryRepetitionFailedExitsWith1AndStatusFailed) {
  const fs::path config = write_config("never_fits", "[experiment]\nrepetitions = 2\nrestart_below = 1\n"
                                                     "restart_from_epoch = 1\nmax_restarts = 1\nthreads = 1\n");
  const fs::path dir = fresh_dir("failed");
  const CliResult r = run_cli("run " + config.string() + " --epochs 2 --no-plot --out " + dir.string());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("every repetition failed (status 'failed')"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("0 of 2 repetitions finished (2 restarts)"), std::string::npos) << r.out;
  const nlohmann::json manifest = nlohmann::json::parse(slurp(dir / "manifest.json"));
  EXPECT_EQ(manifest["status"], "failed");
  ASSERT_EQ(manifest["repetitions"].size(), 2U);
  // max_restarts = 1: two attempts, one restart each.
  EXPECT_EQ(manifest["repetitions"][0]["restarts"], 1);
  EXPECT_EQ(manifest["repetitions"][0]["restart_reasons"].size(), 2U);
  EXPECT_NE(manifest["repetitions"][0]["message"].get<std::string>().find("gave up after 2 attempts (1 restarts)"),
            std::string::npos);
  const CliResult verify = run_cli("verify " + dir.string());
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_NE(verify.out.find("status is 'failed', expected 'complete': every repetition failed"), std::string::npos)
      << verify.out;
  fs::remove_all(dir);
  fs::remove(config);
}

TEST(RunCli, BadConfigExitsWith2AndNamesTheProblem) {
  const fs::path config = write_config("bad_bits", "[quantization]\nbits = 1\n");
  const fs::path out = fresh_dir("bad");
  const CliResult r = run_cli("run " + config.string() + " --out " + out.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("[quantization].bits must be in [2, 16], or 32"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(config.filename().string()), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));  // nothing created before the config is valid
  fs::remove(config);
}

TEST(RunCli, BadArgumentsExitWith2) {
  const CliResult missing = run_cli("run /nonexistent/config.toml");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/config.toml"), std::string::npos) << missing.err;
  const CliResult epochs = run_cli("run " + k_config + " --epochs 0");
  EXPECT_EQ(epochs.exit_code, 2);
  EXPECT_NE(epochs.err.find("--epochs: expected a whole number of at least 1, got '0'"), std::string::npos)
      << epochs.err;
  EXPECT_LT(epochs.err.find('\n'), 120U) << epochs.err;  // one short line, no 309-digit limit
  const CliResult fraction = run_cli("run " + k_config + " --epochs 1.5");
  EXPECT_EQ(fraction.exit_code, 2);
  EXPECT_NE(fraction.err.find("--epochs: expected a whole number of at least 1, got '1.5'"), std::string::npos)
      << fraction.err;
  const CliResult threads = run_cli("run " + k_config + " --threads -1");
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_NE(threads.err.find("--threads: expected a whole number of at least 0, got '-1'"), std::string::npos)
      << threads.err;
  const CliResult tolerance = run_cli("verify /tmp --tolerance -1");
  EXPECT_EQ(tolerance.exit_code, 2);
  EXPECT_NE(tolerance.err.find("--tolerance: expected a number of at least 0, got '-1'"), std::string::npos)
      << tolerance.err;
  const CliResult unknown = run_cli("run " + k_config + " --epoch 5");
  EXPECT_EQ(unknown.exit_code, 2);
  const CliResult none = run_cli("");
  EXPECT_EQ(none.exit_code, 2);
  const CliResult command = run_cli("frobnicate");
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_NE(command.err.find("unknown command 'frobnicate'; expected one of run, mi, "), std::string::npos)
      << command.err;
  const CliResult file_as_out = run_cli("run " + k_config + " --epochs 1 --repetitions 1 --out " + k_config);
  EXPECT_EQ(file_as_out.exit_code, 2);
  EXPECT_NE(file_as_out.err.find("is a file"), std::string::npos) << file_as_out.err;
}

}  // namespace
}  // namespace infoplane::testing
