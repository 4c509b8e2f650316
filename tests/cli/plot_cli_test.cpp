/// @brief `infoplane plot`: figures of a run directory from the command line.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_cli.h"
#include "../temp_dirs.h"

namespace infoplane {
namespace {

namespace fs = std::filesystem;

const infoplane::testing::TempDirs temp_dirs("infoplane_plot_cli");
using testing::run_cli;

using testing::have_gnuplot;

TEST(PlotCli, DrawsTheFiguresOfARun) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  const fs::path run = temp_dirs.fixture_run("draw");
  const auto r = run_cli("plot " + run.string() + " --what plane,accuracy --format png,svg");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("figure   " + (run / "figures" / "plane.png").string()), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("repetitions: mean over 3 of 4 repetitions; left out: 1 with final "
                       "training accuracy below 0.55 (repetition 2)"),
            std::string::npos)
      << r.out;
  for (const char* f : {"plane.png", "plane.svg", "accuracy.png", "accuracy.svg", "plane.gp",
                        "plane.caption.txt"})
    EXPECT_GT(fs::file_size(run / "figures" / f), 100u) << f;
  EXPECT_TRUE(fs::exists(run / "summary" / "mi.csv"));
}

TEST(PlotCli, WritesScriptsOnlyAndComparesRuns) {
  const fs::path a = temp_dirs.fixture_run("cmp_a");
  const fs::path b = temp_dirs.fixture_run("cmp_b");
  const fs::path out = temp_dirs.path("cmp_out");
  const auto r = run_cli("plot " + a.string() + " " + b.string() + " --out " + out.string() +
                         " --what plane,accuracy --labels 8-bit,4-bit --no-render");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("script   " + (out / "compare_plane.gp").string()), std::string::npos)
      << r.out;
  EXPECT_TRUE(fs::exists(out / "compare_accuracy.gp"));
  EXPECT_FALSE(fs::exists(out / "compare_plane.png"));
  const std::string gp = testing::slurp(out / "compare_plane.gp");
  EXPECT_NE(gp.find("'8-bit'"), std::string::npos);
  EXPECT_NE(gp.find("'4-bit'"), std::string::npos);
}

TEST(PlotCli, RepeatedEstimatorsAreComparedSideBySide) {
  const fs::path run = temp_dirs.fixture_run("estimators");
  const fs::path out = run / "cmp";
  const auto r = run_cli("plot " + run.string() + " --estimator exact --estimator binning:30 --out " +
                         out.string() + " --no-render");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string gp = testing::slurp(out / "compare_plane.gp");
  EXPECT_NE(gp.find("'synthetic-szt-tanh · exact'"), std::string::npos) << gp;
  EXPECT_NE(gp.find("'synthetic-szt-tanh · binning:30'"), std::string::npos) << gp;
}

TEST(PlotCli, AShortSpecNamesTheEstimatorOfItsFullForm) {
  const fs::path dir = fs::temp_directory_path() / ("infoplane_plot_short_spec_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "c.toml") << "[experiment]\nrepetitions = 1\nestimators = [\"exact\", \"binning:30\"]\n";
  ASSERT_EQ(run_cli("run " + (dir / "c.toml").string() + " --epochs 2 --no-plot --out " + (dir / "run").string())
                .exit_code,
            0);
  EXPECT_NE(testing::slurp(dir / "run" / "mi.csv").find("\"binning:30,bounds=fixed\""), std::string::npos);
  const auto r = run_cli("plot " + (dir / "run").string() + " --estimator binning:30 --no-render");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  fs::remove_all(dir);
}

TEST(PlotCli, BadInputExitsWithTwo) {
  const fs::path run = temp_dirs.fixture_run("bad");
  auto r = run_cli("plot " + run.string() + " --what planes --no-render");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown figure 'planes'"), std::string::npos) << r.err;

  r = run_cli("plot " + run.string() + " --epochs 9:3 --no-render");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--epochs"), std::string::npos) << r.err;

  r = run_cli("plot " + run.string() + " --estimator kde --no-render");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no estimator 'kde'"), std::string::npos) << r.err;

  r = run_cli("plot " + run.string() + " " + run.string() + " --no-render");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--out DIR is required"), std::string::npos) << r.err;

  r = run_cli("plot " + run.string() + " --what activations2d");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("activations2d"), std::string::npos) << r.err;

  r = run_cli("plot /nonexistent/run");
  EXPECT_EQ(r.exit_code, 2);

  const auto help = run_cli("plot --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--what"), std::string::npos);
  EXPECT_NE(help.out.find("--format"), std::string::npos);
}

TEST(PlotCli, MissingGnuplotIsAnInputError) {
  const fs::path run = temp_dirs.fixture_run("nognuplot");
  const std::string env = "INFOPLANE_GNUPLOT=/nonexistent/gnuplot ";
  const int status = std::system((env + INFOPLANE_CLI + " plot " + run.string() +
                                  " >/dev/null 2>" + (run / "err.txt").string()).c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  const std::string err = testing::slurp(run / "err.txt");
  EXPECT_NE(err.find("infoplane: error: plot: INFOPLANE_GNUPLOT=/nonexistent/gnuplot"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("apt-get install gnuplot-nox"), std::string::npos) << err;
}

}  // namespace
}  // namespace infoplane
