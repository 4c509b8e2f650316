/// @brief `infoplane phases`: the phase table of a run directory from the command line.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.h"
#include "../temp_dirs.h"

namespace infoplane {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

const infoplane::testing::TempDirs temp_dirs("infoplane_phases_cli");

TEST(PhasesCli, PrintsTheTableAndWritesTheCsv) {
  const fs::path run = temp_dirs.fixture_run("table");
  const auto r = run_cli("phases " + run.string() + " --estimator exact");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("run synthetic-szt-tanh: mean over 3 of 4 repetitions; left out: 1 with "
                       "final training accuracy below 0.55 (repetition 2)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("estimator exact (smoothing over 1 recorded epochs"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("output     compression  yes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dense1     compression  no"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("summary  " + (run / "summary" / "phases.csv").string()), std::string::npos)
      << r.out;
  const std::string csv = testing::slurp(run / "summary" / "phases.csv");
  EXPECT_EQ(csv.rfind("estimator,layer,name,phase,", 0), 0u) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 6 * 2);
}

TEST(PhasesCli, JsonIsOneObject) {
  const fs::path run = temp_dirs.fixture_run("json");
  const auto r = run_cli("phases " + run.string() + " --json --bootstrap 200 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["run"], "synthetic-szt-tanh");
  EXPECT_EQ(j["repetitions"]["kept"], nlohmann::json({0, 1, 3}));
  EXPECT_EQ(j["options"]["bootstrap"], 200);
  ASSERT_EQ(j["estimators"].size(), 2u);  // every estimator by default
  EXPECT_EQ(j["estimators"][1]["estimator"], "binning:30");
  const auto& output = j["estimators"][0]["layers"][5];
  EXPECT_EQ(output["name"], "output");
  EXPECT_EQ(output["compression"]["detected"], true);
  EXPECT_TRUE(output["compression"]["size"].is_number());
  EXPECT_LE(output["compression"]["p_value"].get<double>(), 0.05);
  // the same seed gives the same answer
  const auto again = run_cli("phases " + run.string() + " --json --bootstrap 200 --seed 3");
  EXPECT_EQ(again.out, r.out);
}

TEST(PhasesCli, BadInputExitsWithTwo) {
  const fs::path run = temp_dirs.fixture_run("bad");
  auto r = run_cli("phases " + run.string() + " --estimator kde");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("infoplane: error: phases: " + (run / "mi.csv").string() + " has no estimator 'kde'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("expected one of exact, binning:30"), std::string::npos) << r.err;
  r = run_cli("phases " + run.string() + " --alpha 2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("phases: --alpha must be in (0, 1); got 2"), std::string::npos) << r.err;
  r = run_cli("phases " + run.string() + " --min-accuracy 0.99");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no repetition left"), std::string::npos) << r.err;
  r = run_cli("phases /nonexistent/run");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace infoplane
