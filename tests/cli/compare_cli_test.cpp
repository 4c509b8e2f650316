/// @brief `infoplane compare`: estimators against the exact MI from the command line.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_cli.h"
#include "../temp_dirs.h"

namespace infoplane {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

const infoplane::testing::TempDirs temp_dirs("infoplane_compare_cli");

using testing::have_gnuplot;

TEST(CompareCli, PrintsTheTableWritesCsvAndFigure) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  const fs::path run = temp_dirs.fixture_run("table");
  const auto r = run_cli("compare " + run.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("run synthetic-szt-tanh: mean over 3 of 4 repetitions"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("binning:30 against exact"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("both (yes/yes)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("neither (no/no)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("summary  " + (run / "summary" / "compare.csv").string()), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("figure   " + (run / "figures" / "compare.png").string()), std::string::npos)
      << r.out;
  EXPECT_GT(fs::file_size(run / "figures" / "compare.png"), 1000u);
  const std::string csv = testing::slurp(run / "summary" / "compare.csv");
  EXPECT_EQ(csv.rfind("estimator,layer,name,n_xt,mae_xt,bias_xt,", 0), 0u) << csv;
  EXPECT_NE(csv.find("\nbinning:30,6,output,60,"), std::string::npos) << csv;
}

TEST(CompareCli, NoRenderAndNoPlot) {
  const fs::path run = temp_dirs.fixture_run("norender");
  auto r = run_cli("compare " + run.string() + " --no-render");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("script   " + (run / "figures" / "compare.gp").string()), std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(run / "figures" / "compare.png"));
  const fs::path other = temp_dirs.fixture_run("noplot");
  r = run_cli("compare " + other.string() + " --no-plot");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(other / "figures"));
  EXPECT_TRUE(fs::exists(other / "summary" / "compare.csv"));
}

TEST(CompareCli, BadInputExitsWithTwo) {
  const fs::path run = temp_dirs.fixture_run("bad");
  auto r = run_cli("compare " + run.string() + " --reference kde --no-plot");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("infoplane: error: compare: " + (run / "mi.csv").string() + " has no estimator 'kde'"), std::string::npos) << r.err;
  r = run_cli("compare " + run.string() + " --bootstrap 3 --no-plot");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("compare: --bootstrap must be in [20, 1000000]; got 3"), std::string::npos)
      << r.err;
  r = run_cli("compare " + run.string() + " --format gif");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown format 'gif'"), std::string::npos) << r.err;
  const auto help = run_cli("compare --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--reference"), std::string::npos);
}

}  // namespace
}  // namespace infoplane
