/// @brief Verdicts on the paper's findings from synthetic runs with known phases.
#include "infoplane/report/verdicts.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "../temp_dirs.h"

namespace infoplane::report {
namespace {

constexpr int k_reps = 8;
constexpr int k_epochs = 200;
constexpr double k_h_y = 0.9991571;

/// A run of the SZT shape cut to input, dense1, dense2 (the last hidden layer) and output:
/// dense1 stays at H(X) and H(Y); dense2 and the output fit; the output compresses, and so
/// does dense2 when `hidden_compression`. Small deterministic noise per repetition.
std::filesystem::path make_run(const testing::TempDirs& dirs, const std::string& name, const std::string& activation,
                               bool hidden_compression) {
  const std::filesystem::path dir = dirs.make(name);
  std::string layers = R"({"index": 0, "name": "input", "width": 12, "activation": "input"})";
  layers += fmt::format(R"(, {{"index": 1, "name": "dense1", "width": 10, "activation": "{0}"}})"
                        R"(, {{"index": 2, "name": "dense2", "width": 3, "activation": "{0}"}})"
                        R"(, {{"index": 3, "name": "output", "width": 2, "activation": "softmax"}})",
                        activation);
  std::string reps;
  for (int r = 0; r < k_reps; ++r) {
    reps += fmt::format(R"({}{{"index": {}, "seed": {}, "restarts": 0, "status": "ok", "final_train_accuracy": 0.97, )"
                        R"("final_test_accuracy": 0.95, "wall_seconds": 2.0}})",
                        r ? ", " : "", r, r);
  }
  std::ofstream(dir / "manifest.json") << fmt::format(
      R"({{"config": {{"name": "{}", "network": {{"activation": "{}"}}, "quantization": {{"bits": 8}}}}, )"
      R"("dataset": {{"name": "szt", "n_samples": 4096, "h_y": {}}}, "layers": [{}], "repetitions": [{}], )"
      R"("status": "complete"}})",
      name, activation, k_h_y, layers, reps);
  std::ofstream mi(dir / "mi.csv");
  std::ofstream acc(dir / "accuracy.csv");
  mi << "repetition,epoch,layer,estimator,i_xt,i_ty\n";
  acc << "repetition,epoch,train_accuracy,test_accuracy,train_loss\n";
  for (int r = 0; r < k_reps; ++r) {
    for (int e = 1; e <= k_epochs; ++e) {
      const double noise = 0.01 * std::sin(7.0 * r + 1.3 * e);
      const double rise = std::min(1.0, e / 50.0);                       // 0 -> 1 by epoch 50
      const double fall = e <= 50 ? 0.0 : (e - 50) / 150.0;              // 0 -> 1 from 50 to 200
      const double dense2_xt = 9.0 + 2.0 * rise - (hidden_compression ? 2.0 * fall : 0.0) + noise;
      const double out_xt = 5.0 + 2.0 * rise - 3.0 * fall + noise;
      const double dense2_ty = 0.5 + 0.45 * rise + noise;
      const double out_ty = 0.3 + 0.6 * rise + noise;
      mi << fmt::format("{0},{1},0,exact,12,{2}\n{0},{1},1,exact,12,{2}\n", r, e, k_h_y);
      mi << fmt::format("{},{},2,exact,{},{}\n", r, e, dense2_xt, dense2_ty);
      mi << fmt::format("{},{},3,exact,{},{}\n", r, e, out_xt, out_ty);
      acc << fmt::format("{},{},0.97,0.95,0.1\n", r, e);
    }
  }
  return dir;
}

std::map<int, Outcome> outcomes(const std::vector<Verdict>& verdicts, bool reference) {
  std::map<int, Outcome> out;
  for (const Verdict& v : verdicts)
    if (v.variant.empty() != reference) out[v.finding] = v.outcome;
  return out;
}

TEST(Verdicts, FollowThePhasesOfTheRuns) {
  testing::TempDirs dirs("infoplane_verdicts");
  const auto tanh = make_run(dirs, "tanh", "tanh", true);
  const auto relu_flat = make_run(dirs, "relu", "relu", false);
  std::map<std::string, std::filesystem::path, std::less<>> runs{{"szt-tanh-8bit", tanh}, {"szt-relu-8bit", relu_flat},
                                                                 {"szt-relu-8bit-reference", tanh}};
  RunEvidence evidence(
      [&](std::string_view name) -> std::optional<std::filesystem::path> {
        const auto it = runs.find(name);
        return it == runs.end() ? std::nullopt : std::optional(it->second);
      },
      PhaseOptions{});
  const std::vector<Verdict> verdicts = paper_verdicts(evidence);
  const auto plain = outcomes(verdicts, false);
  EXPECT_EQ(plain.at(1), Outcome::reproduced);      // both outputs fit and compress
  EXPECT_EQ(plain.at(2), Outcome::reproduced);      // dense2 fits; dense1 is at H(Y) throughout
  EXPECT_EQ(plain.at(3), Outcome::reproduced);      // tanh: only the last hidden layer compresses
  EXPECT_EQ(plain.at(4), Outcome::reproduced);      // relu: no hidden compression
  for (int f = 5; f <= 9; ++f) EXPECT_EQ(plain.at(f), Outcome::not_run) << f;
  const auto reference = outcomes(verdicts, true);
  EXPECT_EQ(reference.at(1), Outcome::not_run);      // the tanh reference run is missing
  EXPECT_EQ(reference.at(4), Outcome::not_reproduced);  // its relu run has dense2 compressing
  for (const Verdict& v : verdicts) {
    if (v.finding == 4 && !v.variant.empty()) {
      EXPECT_NE(v.evidence.find("dense2: 1.9"), std::string::npos) << v.evidence;
    }
    if (v.outcome == Outcome::not_run) {
      EXPECT_TRUE(v.evidence.empty()) << v.evidence;
    }
  }
}

TEST(Verdicts, TheActivationOfARunIsReadFromItsManifestNotItsName) {
  testing::TempDirs dirs("infoplane_verdicts_activation");
  const auto sigmoid = make_run(dirs, "sigmoid", "sigmoid", true);
  RunEvidence evidence(
      [&](std::string_view name) -> std::optional<std::filesystem::path> {
        if (name == "szt-tanh-8bit" || name == "szt-relu-8bit") return sigmoid;
        return std::nullopt;
      },
      PhaseOptions{});
  for (const Verdict& v : paper_verdicts(evidence)) {
    if (v.finding != 1 || !v.variant.empty()) continue;
    EXPECT_NE(v.evidence.find("sigmoid output"), std::string::npos) << v.evidence;
    EXPECT_EQ(v.evidence.find("relu output"), std::string::npos) << v.evidence;
  }
}

TEST(Verdicts, AFailingCheckOnAQuickRunIsInconclusive) {
  testing::TempDirs dirs("infoplane_verdicts_quick");
  const auto compressing = make_run(dirs, "relu", "relu", true);
  RunEvidence evidence(
      [&](std::string_view name) -> std::optional<RunRef> {
        if (name == "szt-relu-8bit") return RunRef(compressing, true);
        return std::nullopt;
      },
      PhaseOptions{});
  for (const Verdict& v : paper_verdicts(evidence)) {
    if (v.finding != 4 || !v.variant.empty()) continue;
    EXPECT_EQ(v.outcome, Outcome::inconclusive);
    EXPECT_TRUE(v.quick);
    EXPECT_NE(v.evidence.find("--quick"), std::string::npos) << v.evidence;
  }
}

TEST(Verdicts, RangeLinkFollowsTheMeanCurves) {
  testing::TempDirs dirs("infoplane_rangelink");
  const auto dir = make_run(dirs, "relu", "relu", true);
  // The range of dense2 widens as its I(X;T) falls after epoch 50.
  std::ofstream ranges(dir / "activation_range.csv");
  ranges << "repetition,epoch,layer,min,max\n";
  for (int r = 0; r < k_reps; ++r)
    for (int e = 1; e <= k_epochs; ++e)
      for (int l = 1; l <= 3; ++l) ranges << fmt::format("{},{},{},0,{}\n", r, e, l, l == 2 ? 1.0 + e / 10.0 : 1.0);
  ranges.close();
  RunEvidence evidence([&](std::string_view) { return std::optional(dir); }, PhaseOptions{});
  const auto links = range_links(*evidence.get("szt-relu-8bit"));
  ASSERT_EQ(links.size(), 2U);
  EXPECT_EQ(links[1].name, "dense2");
  EXPECT_NEAR(links[1].peak_epoch, 50, 3);
  EXPECT_NEAR(links[1].peak_xt, 11.0, 0.02);
  EXPECT_NEAR(links[1].final_xt, 9.0, 0.02);
  EXPECT_LT(links[1].correlation, -0.99);
  EXPECT_TRUE(std::isnan(links[0].correlation));  // dense1 is constant
}

}  // namespace
}  // namespace infoplane::report
