/// @brief `infoplane plot --what activations2d`: a short SZT run that stores its last
/// hidden layer, drawn per epoch; the errors when nothing is stored.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "../cli/run_cli.h"

namespace infoplane {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;
using testing::slurp;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("infoplane_act2d_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(Activations2d, ShortSztRunIsDrawnPerStoredEpoch) {
  const fs::path dir = fresh_dir("draw");
  {
    std::ofstream config(dir / "act.toml");
    config << "name = \"act\"\n[training]\nepochs = 20\n[experiment]\nrepetitions = 2\nthreads = 2\n"
              "store_activations = { layers = [5], epochs = [1, 20] }\n";
  }
  const fs::path run = dir / "run";
  const auto r = run_cli("run " + (dir / "act.toml").string() + " --no-plot --out " + run.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"rep-000000.layer-5.csv", "rep-000001.layer-5.csv"}) {
    const std::string csv = slurp(run / "activations" / name);
    EXPECT_EQ(csv.substr(0, csv.find('\n')), "epoch,sample,label,v0,v1,v2");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 4096);
  }
  EXPECT_NE(slurp(run / "manifest.json").find("store_activations"), std::string::npos);

  const auto plot = run_cli("plot " + run.string() + " --what activations2d --repetition 1");
  ASSERT_EQ(plot.exit_code, 0) << plot.err;
  const fs::path png = run / "figures" / "activations2d.png";
  ASSERT_TRUE(fs::exists(png)) << plot.out;
  EXPECT_GT(fs::file_size(png), 10000U);
  const std::string caption = slurp(run / "figures" / "activations2d.caption.txt");
  EXPECT_NE(caption.find("repetition 1"), std::string::npos) << caption;
  EXPECT_NE(caption.find("The layer has 3 units; only the first two are drawn."), std::string::npos) << caption;
  const std::string script = slurp(run / "figures" / "activations2d.gp");
  EXPECT_NE(script.find("Epoch 1\""), std::string::npos);
  EXPECT_NE(script.find("Epoch 20\""), std::string::npos);

  const auto missing = run_cli("plot " + run.string() + " --what activations2d --repetition 5 --no-render");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--repetition 5"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("expected one of 0, 1"), std::string::npos) << missing.err;
  fs::remove_all(dir);
}

TEST(Activations2d, ARunWithoutStoredValuesSaysWhichOptionToSet) {
  const fs::path dir = fresh_dir("none");
  const fs::path run = dir / "run";
  {
    std::ofstream config(dir / "plain.toml");
    config << "[training]\nepochs = 2\n[experiment]\nrepetitions = 1\n";
  }
  ASSERT_EQ(run_cli("run " + (dir / "plain.toml").string() + " --no-plot --out " + run.string()).exit_code, 0);
  const auto r = run_cli("plot " + run.string() + " --what activations2d --no-render");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("has no stored layer values"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[experiment] store_activations"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace infoplane
