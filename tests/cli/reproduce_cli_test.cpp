/// @brief `infoplane reproduce`: the suite, a small run with its report, keeping finished
/// runs, refusing another config's run, and the list of projected times.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "run_cli.h"
#include "../temp_dirs.h"

namespace infoplane {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;
using testing::slurp;

const infoplane::testing::TempDirs temp_dirs("infoplane_reproduce_cli");

/// A folder of suite configs where szt-tanh-8bit is small: 2 repetitions x 40 epochs.
fs::path small_suite() {
  const fs::path dir = temp_dirs.make("experiments");
  std::ofstream(dir / "szt-tanh-8bit.toml") << "name = \"szt-tanh-8bit\"\n[training]\nepochs = 40\n"
                                               "[experiment]\nrepetitions = 2\nmi_every = 2\n";
  return dir;
}

TEST(ReproduceCli, RunsReportsAndKeepsFinishedRuns) {
  const fs::path experiments = small_suite();
  const fs::path out = temp_dirs.path("out");
  const fs::path report = temp_dirs.path("report");
  const std::string args = "reproduce szt-tanh-8bit --experiments " + experiments.string() + " --out " +
                           out.string() + " --report-dir " + report.string();
  const auto first = run_cli(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("szt-tanh-8bit: running"), std::string::npos) << first.err;
  EXPECT_NE(first.out.find("3: "), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("5: not run"), std::string::npos) << first.out;
  ASSERT_TRUE(fs::exists(out / "szt-tanh-8bit" / "manifest.json"));
  const std::string md = slurp(report / "report.md");
  EXPECT_NE(md.find("| 3 | tanh: compression only in the last hidden layer"), std::string::npos) << md;
  EXPECT_NE(md.find("| `szt-tanh-8bit` | Figs. 2, B.7, F.14 | 2 / 2 | 40 |"), std::string::npos) << md;
  EXPECT_NE(md.find("![plane](szt-tanh-8bit/figures/plane.png)"), std::string::npos) << md;
  EXPECT_NE(md.find("| dense5 | "), std::string::npos) << md;  // the phase table
  EXPECT_TRUE(fs::exists(report / "szt-tanh-8bit" / "summary" / "phases.csv"));
  if (testing::have_gnuplot()) {
    EXPECT_TRUE(fs::exists(report / "szt-tanh-8bit" / "figures" / "plane.png"));
  }

  const auto mi_before = slurp(out / "szt-tanh-8bit" / "mi.csv");
  const auto second = run_cli(args);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("szt-tanh-8bit: finished before, kept"), std::string::npos) << second.err;
  EXPECT_EQ(slurp(out / "szt-tanh-8bit" / "mi.csv"), mi_before);

  // Another config in the same folder is refused, and the finished run stays as it was.
  std::ofstream(experiments / "szt-tanh-8bit.toml", std::ios::app) << "seed = 5\n";
  const auto other = run_cli(args);
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("holds a run of another config (experiment.seed: 0 vs 5, run vs now)"), std::string::npos)
      << other.err;
  EXPECT_EQ(slurp(out / "szt-tanh-8bit" / "mi.csv"), mi_before);
}

TEST(ReproduceCli, ListsSizesAndProjectedTimes) {
  const auto r = run_cli("reproduce --list szt-tanh-8bit --out " + temp_dirs.path("none").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("szt-tanh-8bit"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("50 x 8000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Total projected:"), std::string::npos) << r.out;
  const auto quick = run_cli("reproduce --list --quick szt-relu-prefit --out " + temp_dirs.path("none").string());
  ASSERT_EQ(quick.exit_code, 0) << quick.err;
  EXPECT_NE(quick.out.find("3 x 1800"), std::string::npos) << quick.out;  // 300 prefit + 1500
}

TEST(ReproduceCli, UnknownExperimentListsTheSuite) {
  const auto r = run_cli("reproduce szt-tanh-9bit");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown experiment 'szt-tanh-9bit'; the suite has: all, szt-tanh-8bit, szt-relu-8bit"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace infoplane
