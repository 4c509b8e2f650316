/// @brief `infoplane run --resume` and the failures it recovers from: an interrupted run, a
/// killed process, a full disk; one writer per run directory; bad output directories and
/// data files exit with 2 and one line, losing nothing written before.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "infoplane/experiment/lock.h"
#include "run_cli.h"

namespace infoplane::testing {
namespace {

namespace fs = std::filesystem;

const std::string k_config = std::string(INFOPLANE_FIXTURES) + "/../../experiments/szt-tanh-8bit.toml";
const std::string k_common = " --repetitions 3 --seed 5 --mi-every 3 --no-plot";
const std::string k_args = " --epochs 12 --threads 1" + k_common;
constexpr const char* k_files[] = {"mi.csv", "accuracy.csv", "activation_range.csv"};

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane_resume_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

nlohmann::json manifest_of(const fs::path& dir) { return nlohmann::json::parse(slurp(dir / "manifest.json")); }

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

/// The last line of `text` (without its newline).
std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t.substr(t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1);
}

/// Runs `infoplane ARGS...` with a file size limit of `max_bytes` (SIGXFSZ ignored, so a
/// write beyond it fails with EFBIG as on a full disk).
CliResult run_with_file_limit(const std::vector<std::string>& args, rlim_t max_bytes) {
  const fs::path out = fresh_dir("limited_out"), err = fresh_dir("limited_err");
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
    ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
    const rlimit limit{max_bytes, max_bytes};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::vector<char*> argv{const_cast<char*>(INFOPLANE_CLI)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(INFOPLANE_CLI, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliResult r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  fs::remove(out);
  fs::remove(err);
  return r;
}

class ResumeCli : public ::testing::Test {
 protected:
  /// One uninterrupted run that every test compares against.
  static void SetUpTestSuite() {
    s_reference = fresh_dir("reference");
    const CliResult r = run_cli("run " + k_config + k_args + " --out " + s_reference.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { fs::remove_all(s_reference); }

  static void expect_same_results(const fs::path& dir) {
    for (const char* file : k_files) EXPECT_TRUE(slurp(dir / file) == slurp(s_reference / file)) << file;
    const nlohmann::json a = manifest_of(dir), b = manifest_of(s_reference);
    EXPECT_EQ(a["status"], "complete");
    EXPECT_EQ(a["checksums"], b["checksums"]);
    ASSERT_EQ(a["repetitions"].size(), 3U);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(a["repetitions"][i]["seed"], b["repetitions"][i]["seed"]);
      EXPECT_EQ(a["repetitions"][i]["final_test_accuracy"], b["repetitions"][i]["final_test_accuracy"]);
    }
  }

  /// A copy of the reference run as a killed process leaves it: repetition 0 finished,
  /// repetition 1 with its rows but no marker, repetition 2 not started, half-written
  /// temporaries, no merged files, status "running".
  static fs::path interrupted_copy(const std::string& name) {
    const fs::path dir = fresh_dir(name);
    fs::copy(s_reference, dir, fs::copy_options::recursive);
    fs::remove(dir / "parts" / "rep-000001.json");
    for (const char* suffix : {"mi.csv", "accuracy.csv", "range.csv", "json"}) {
      fs::remove(dir / "parts" / (std::string("rep-000002.") + suffix));
    }
    std::ofstream(dir / "parts" / "rep-000002.mi.csv.tmp-99999") << "0,3,0,exa";
    for (const char* file : k_files) fs::remove(dir / file);
    nlohmann::json manifest = manifest_of(dir);
    manifest["status"] = "running";
    manifest["repetitions"] = nlohmann::json::array();
    manifest["checksums"].erase("files");
    std::ofstream(dir / "manifest.json") << manifest.dump(2);
    return dir;
  }

  static fs::path s_reference;
};

fs::path ResumeCli::s_reference;

TEST_F(ResumeCli, AnInterruptedRunIsCompletedWithTheFilesOfAnUninterruptedOne) {
  const fs::path dir = interrupted_copy("interrupted");
  const CliResult r = run_cli("run " + k_config + k_args + " --resume --out " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resuming " + dir.string() + ": 1 of 3 repetitions already finished"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("3 of 3 repetitions finished"), std::string::npos) << r.out;
  expect_same_results(dir);
  EXPECT_EQ(manifest_of(dir)["resumed"].size(), 1U);
  EXPECT_FALSE(fs::exists(dir / "parts" / "rep-000002.mi.csv.tmp-99999"));
  EXPECT_FALSE(fs::exists(dir / "lock"));
  EXPECT_EQ(run_cli("verify " + dir.string()).exit_code, 0);

  // Resuming a complete run changes no result file.
  const CliResult again = run_cli("run " + k_config + k_args + " --resume --out " + dir.string());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("3 of 3 repetitions already finished"), std::string::npos) << again.err;
  expect_same_results(dir);
  fs::remove_all(dir);
}

TEST_F(ResumeCli, ACorruptPartIsComputedAgain) {
  const fs::path dir = interrupted_copy("corrupt");
  std::ofstream(dir / "parts" / "rep-000000.accuracy.csv", std::ios::app) << "0,13,1,1,0\n";
  const CliResult r = run_cli("run " + k_config + k_args + " --resume --out " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("repetition 0 will run again: " + (dir / "parts" / "rep-000000.accuracy.csv").string() +
                       ": checksum mismatch"),
            std::string::npos)
      << r.err;
  expect_same_results(dir);
  fs::remove_all(dir);
}

TEST_F(ResumeCli, AKilledProcessIsResumedAndItsStaleLockTakenOver) {
  // Long enough repetitions to kill the process after the first one finished.
  const std::string args = " --epochs 300 --repetitions 3 --seed 5 --mi-every 50 --threads 1 --no-plot";
  const fs::path whole = fresh_dir("whole"), killed = fresh_dir("killed"), pid_file = fresh_dir("pid");
  ASSERT_EQ(run_cli("run " + k_config + args + " --out " + whole.string()).exit_code, 0);
  const std::string start = std::string(INFOPLANE_CLI) + " run " + k_config + args + " --out " + killed.string() +
                            " >/dev/null 2>&1 & echo $! >" + pid_file.string();
  ASSERT_EQ(std::system(start.c_str()), 0);
  const pid_t pid = std::stoi(slurp(pid_file));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(killed / "parts" / "rep-000000.json") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  while (::kill(pid, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const bool finished_before_kill = manifest_of(killed)["status"] == "complete";

  const CliResult r = run_cli("run " + k_config + args + " --resume --out " + killed.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (!finished_before_kill) {
    EXPECT_NE(r.err.find("took over the lock left by pid " + std::to_string(pid)), std::string::npos) << r.err;
  }
  for (const char* file : k_files) EXPECT_TRUE(slurp(killed / file) == slurp(whole / file)) << file;
  for (const fs::path& p : {whole, killed, pid_file}) fs::remove_all(p);
}

TEST_F(ResumeCli, AFullDiskExitsWith2KeepsFinishedWorkAndTheRunResumes) {
  const fs::path dir = fresh_dir("full");
  std::vector<std::string> args{"run", k_config, "--epochs", "12", "--repetitions", "3", "--seed", "5",
                                "--mi-every", "3", "--threads", "1", "--no-plot", "--out", dir.string()};
  // Each part (<= 2.1 kB) and the manifest (3.2 kB) fit in 5000 bytes, the merged
  // activation_range.csv (6.3 kB) does not.
  const CliResult full = run_with_file_limit(args, 5000);
  EXPECT_EQ(full.exit_code, 2) << full.err;
  EXPECT_EQ(full.err.rfind("infoplane: error: "), full.err.find("infoplane: error: ")) << full.err;
  const std::string error = last_line(full.err);
  EXPECT_NE(error.find((dir / "activation_range.csv").string() + ": write failed: File too large"), std::string::npos)
      << full.err;
  EXPECT_NE(error.find("finished repetitions are kept in " + (dir / "parts").string()), std::string::npos) << error;
  EXPECT_NE(error.find("--resume"), std::string::npos) << error;
  EXPECT_EQ(manifest_of(dir)["status"], "running");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(fs::exists(dir / "parts" / fmt::format("rep-{:06}.json", i))) << i;
  EXPECT_FALSE(fs::exists(dir / "activation_range.csv"));
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
  }
  EXPECT_EQ(run_cli("verify " + dir.string()).exit_code, 1);  // not complete

  args.push_back("--resume");
  const CliResult resumed = run_with_file_limit(args, RLIM_INFINITY);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("3 of 3 repetitions already finished"), std::string::npos) << resumed.err;
  expect_same_results(dir);

  // No room for even the first manifest: nothing is left that looks like a run.
  const fs::path tiny = fresh_dir("tiny");
  args.pop_back();
  args.back() = tiny.string();
  const CliResult none = run_with_file_limit(args, 100);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find((tiny / "manifest.json").string() + ": write failed: File too large"), std::string::npos)
      << none.err;
  EXPECT_FALSE(fs::exists(tiny / "manifest.json"));
  fs::remove_all(dir);
  fs::remove_all(tiny);
}

TEST_F(ResumeCli, ASecondWriterIsRefusedWithTheOtherProcessNamed) {
  const fs::path dir = interrupted_copy("locked");
  const std::string before = slurp(dir / "manifest.json");
  {
    const experiment::RunLock held(dir);  // this test process plays the running writer
    const std::string other = "another infoplane process (pid " + std::to_string(::getpid()) + " on host ";
    const CliResult resume = run_cli("run " + k_config + k_args + " --resume --out " + dir.string());
    EXPECT_EQ(resume.exit_code, 2);
    EXPECT_NE(resume.err.find(dir.string() + ": " + other), std::string::npos) << resume.err;
    EXPECT_EQ(count_lines(resume.err), 1U) << resume.err;
    const CliResult fresh = run_cli("run " + k_config + k_args + " --out " + dir.string());
    EXPECT_EQ(fresh.exit_code, 2);
    EXPECT_NE(fresh.err.find(other), std::string::npos) << fresh.err;
    EXPECT_EQ(slurp(dir / "manifest.json"), before);
  }
  std::ofstream(dir / "lock") << "999999 deadhost\n";
  const CliResult r = run_cli("run " + k_config + k_args + " --resume --out " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("took over the lock left by pid 999999 on host deadhost, which no longer runs"),
            std::string::npos)
      << r.err;
  expect_same_results(dir);
  fs::remove_all(dir);
}

TEST_F(ResumeCli, ResumeNeedsTheSameRunAndExperiment) {
  const CliResult no_out = run_cli("run " + k_config + k_args + " --resume");
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.err.find("--resume: name the run directory to continue with --out DIR"), std::string::npos)
      << no_out.err;
  const fs::path missing = fresh_dir("missing");
  const CliResult none = run_cli("run " + k_config + k_args + " --resume --out " + missing.string());
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no run to resume"), std::string::npos) << none.err;
  EXPECT_FALSE(fs::exists(missing));

  const fs::path dir = interrupted_copy("other");
  const std::string before = slurp(dir / "manifest.json");
  const CliResult epochs = run_cli("run " + k_config + k_common + " --epochs 13 --threads 1 --resume --out " + dir.string());
  EXPECT_EQ(epochs.exit_code, 2);
  EXPECT_NE(epochs.err.find("the run's config differs from this one at training.epochs: 12 vs 13"), std::string::npos)
      << epochs.err;
  const CliResult shard = run_cli("run " + k_config + k_args + " --shard 1/2 --resume --out " + dir.string());
  EXPECT_EQ(shard.exit_code, 2);
  EXPECT_NE(shard.err.find("the run was started with no --shard, this one has --shard 1/2"), std::string::npos)
      << shard.err;
  EXPECT_EQ(slurp(dir / "manifest.json"), before);
  // Another thread count is the same experiment.
  const CliResult threads = run_cli("run " + k_config + k_common + " --epochs 12 --threads 2 --resume --out " + dir.string());
  EXPECT_EQ(threads.exit_code, 0) << threads.err;
  expect_same_results(dir);
  fs::remove_all(dir);
}

TEST_F(ResumeCli, BadOutputDirectoriesAndDataFilesExitWith2AndOneLine) {
  const auto expect_one_line = [](const CliResult& r, const std::string& text) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(count_lines(r.err), 1U) << r.err;
    EXPECT_EQ(r.err.rfind("infoplane: error: ", 0), 0U) << r.err;
    EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
  };
  expect_one_line(run_cli("run " + k_config + k_args + " --out " + k_config), "is a file, expected a directory");
  expect_one_line(run_cli("run " + k_config + k_args + " --out /dev/null/run"),
                  "/dev/null/run: cannot create the run directory: Not a directory");
  if (::geteuid() == 0) {
    if (fs::is_directory("/sys/kernel")) {
      expect_one_line(run_cli("run " + k_config + k_args + " --out /sys/kernel"),
                      "/sys/kernel: cannot create the lock file /sys/kernel/lock: Permission denied");
    }
  } else {
    const fs::path locked = fresh_dir("readonly");
    fs::create_directories(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    expect_one_line(run_cli("run " + k_config + k_args + " --out " + locked.string()),
                    "cannot create the lock file " + (locked / "lock").string() + ": Permission denied");
    fs::permissions(locked, fs::perms::owner_all);
    fs::remove_all(locked);
  }

  // Label files of the wrong length or content: nothing is created.
  const fs::path labels = fresh_dir("labels.txt"), config = fresh_dir("labels.toml"), out = fresh_dir("labels_out");
  {
    std::ofstream l(labels);
    for (int i = 0; i < 4095; ++i) l << (i % 2) << "\n";
  }
  std::ofstream(config) << "[data]\nlabels = \"" << labels.string() << "\"\n";
  expect_one_line(run_cli("run " + config.string() + k_args + " --out " + out.string()),
                  labels.string() + ": expected 4096 labels (one per line), got 4095");
  std::ofstream(labels, std::ios::app) << "7\n";
  expect_one_line(run_cli("run " + config.string() + k_args + " --out " + out.string()),
                  labels.string() + ":4096: expected a label 0 or 1, got '7'");
  fs::remove(labels);
  expect_one_line(run_cli("run " + config.string() + k_args + " --out " + out.string()),
                  labels.string() + ": cannot open the SZT labels file");
  EXPECT_FALSE(fs::exists(out));
  fs::remove(config);
}

}  // namespace
}  // namespace infoplane::testing
