/// @brief Phase detection on synthetic curves whose answer is known.
#include "infoplane/report/phases.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/common.h"

namespace infoplane::report {
namespace {

namespace fs = std::filesystem;

/// Curves of n_reps repetitions over epochs 1..n_epochs: f(epoch) plus a constant offset
/// per repetition (sd `offset`) and independent noise per epoch (sd `noise`).
struct Curves {
  std::vector<int> epochs;
  std::vector<double> values;  // [n_reps x n_epochs]
  std::size_t n_reps = 0;
};

template <typename F>
Curves make_curves(std::size_t n_reps, int n_epochs, F f, double offset, double noise,
                   unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Curves c;
  c.n_reps = n_reps;
  for (int e = 1; e <= n_epochs; ++e) c.epochs.push_back(e);
  for (std::size_t r = 0; r < n_reps; ++r) {
    const double shift = offset * normal(gen);
    for (int e = 1; e <= n_epochs; ++e) c.values.push_back(f(e) + shift + noise * normal(gen));
  }
  return c;
}

PhaseResult detect(const Curves& c, Phase phase, PhaseOptions options = {}) {
  return detect_phase(c.values, c.n_reps, c.epochs, phase, options);
}

TEST(Phases, SmoothingWindowIsOnePercentAndOdd) {
  PhaseOptions o;
  EXPECT_EQ(smoothing_window(40, o), 1u);
  EXPECT_EQ(smoothing_window(400, o), 5u);    // 4 -> 5
  EXPECT_EQ(smoothing_window(1600, o), 17u);  // 16 -> 17
  o.smooth = 10;
  EXPECT_EQ(smoothing_window(1600, o), 11u);
  o.smooth = 3;
  EXPECT_EQ(smoothing_window(1600, o), 3u);
}

TEST(Phases, SmoothRowsAveragesSmoothedRepetitions) {
  // two repetitions of 4 epochs, window 3 (cut at the ends), one missing value
  const std::vector<double> v = {1, 2, 3, 4,  //
                                 3, kMissing, 5, 6};
  const std::vector<double> m = smooth_rows(v, 2, 4, 3);
  ASSERT_EQ(m.size(), 4u);
  // rep 0: 1.5, 2, 3, 3.5; rep 1: 3, 4, 5.5, 5.5
  EXPECT_DOUBLE_EQ(m[0], (1.5 + 3.0) / 2);
  EXPECT_DOUBLE_EQ(m[1], (2.0 + 4.0) / 2);
  EXPECT_DOUBLE_EQ(m[2], (3.0 + 5.5) / 2);
  EXPECT_DOUBLE_EQ(m[3], (3.5 + 5.5) / 2);
}

TEST(Phases, ClearCompressionIsFoundWithItsSizeAndEpochs) {
  // I(X;T) rises to 10 bits at epoch 100, then falls linearly to 8 bits at epoch 400.
  const auto f = [](int e) { return e <= 100 ? 6.0 + 4.0 * e / 100.0 : 10.0 - 2.0 * (e - 100) / 300.0; };
  const Curves c = make_curves(10, 400, f, 0.1, 0.05, 1);
  const PhaseResult p = detect(c, Phase::compression);
  EXPECT_TRUE(p.detected);
  EXPECT_EQ(p.n, 10u);
  EXPECT_EQ(p.smooth, 5u);
  EXPECT_NEAR(p.size, 2.0, 0.1);
  EXPECT_NEAR(p.from_epoch, 100, 10);
  EXPECT_GE(p.to_epoch, 390);
  // 10% and 90% of the drop: epochs 130 and 370
  EXPECT_NEAR(p.onset_epoch, 130, 10);
  EXPECT_NEAR(p.end_epoch, 370, 10);
  EXPECT_EQ(p.duration(), p.end_epoch - p.onset_epoch);
  EXPECT_NEAR(p.from_value, 10.0, 0.15);
  EXPECT_NEAR(p.to_value, 8.0, 0.15);
  EXPECT_LE(p.ci_low, p.size);
  EXPECT_GE(p.ci_high, p.size);
  EXPECT_GT(p.ci_low, 1.5);
  EXPECT_LT(p.p_value, 0.01);
  // the fitting phase of this curve would be the rise of I(T;Y); on I(X;T) read as I(T;Y)
  // it is the 4-bit rise before epoch 100
  const PhaseResult rise = detect(c, Phase::fitting);
  EXPECT_TRUE(rise.detected);
  EXPECT_NEAR(rise.size, 4.0, 0.15);
  EXPECT_NEAR(rise.to_epoch, 100, 10);
}

TEST(Phases, PureNoiseIsNotCompression) {
  // constant 9 bits, noise per epoch and per repetition: never a compression
  for (unsigned seed = 0; seed < 10; ++seed) {
    const Curves c = make_curves(10, 400, [](int) { return 9.0; }, 0.2, 0.2, seed);
    const PhaseResult p = detect(c, Phase::compression);
    EXPECT_FALSE(p.detected) << "seed " << seed << ": size " << p.size << ", p " << p.p_value;
    // the largest drop of the noisy mean is above the 0.05-bit threshold: only the test
    // keeps it from being called compression
    EXPECT_GT(p.size, 0.05) << "seed " << seed;
    EXPECT_GT(p.p_value, 0.05) << "seed " << seed;
    EXPECT_FALSE(detect(c, Phase::fitting).detected) << "seed " << seed;
  }
}

TEST(Phases, NoiseAloneRarelyPassesTheTest) {
  // Without the size threshold only the bootstrap test decides: on pure noise its p-value
  // is about uniform, so about alpha = 5% of noise curves pass, not most of them (a
  // percentile interval of the drop would exclude 0 for every one of them).
  PhaseOptions o;
  o.min_size = 0.0;
  o.n_bootstrap = 200;
  int detected = 0, interval_above_zero = 0;
  const int n_curves = 40;
  for (int seed = 0; seed < n_curves; ++seed) {
    const Curves c = make_curves(8, 200, [](int) { return 5.0; }, 0.3, 0.3, 100u + seed);
    const PhaseResult p = detect(c, Phase::compression, o);
    detected += p.detected ? 1 : 0;
    interval_above_zero += p.ci_low > 0.0 ? 1 : 0;
  }
  EXPECT_LE(detected, 6);
  EXPECT_EQ(interval_above_zero, n_curves);
}

TEST(Phases, SlowlyWanderingRepetitionsAreNotCompression) {
  // Each repetition drifts as a random walk (sd 0.01 bits per epoch): the mean wanders by
  // about 0.06 bits, more than min_size, but no more than noise explains.
  int detected = 0;
  for (unsigned seed = 0; seed < 10; ++seed) {
    std::mt19937_64 gen(seed);
    std::normal_distribution<double> normal(0.0, 0.01);
    Curves c;
    c.n_reps = 6;
    for (int e = 1; e <= 300; ++e) c.epochs.push_back(e);
    for (std::size_t r = 0; r < c.n_reps; ++r) {
      double v = 7.0;
      for (int e = 1; e <= 300; ++e) c.values.push_back(v += normal(gen));
    }
    detected += detect(c, Phase::compression).detected ? 1 : 0;
  }
  EXPECT_LE(detected, 1);
}

TEST(Phases, MonotoneFittingHasNoCompression) {
  // I(T;Y) saturating from 0.1 to 0.9 bits; I(X;T) rising as well
  const Curves ty = make_curves(5, 300, [](int e) { return 0.1 + 0.8 * (1.0 - std::exp(-e / 40.0)); },
                                0.01, 0.005, 3);
  const PhaseResult fit = detect(ty, Phase::fitting);
  EXPECT_TRUE(fit.detected);
  EXPECT_NEAR(fit.size, 0.8, 0.03);
  EXPECT_LE(fit.from_epoch, 3);
  // 10% of the rise at 40 ln(1/0.9) = 4.2, 90% at 40 ln 10 = 92
  EXPECT_NEAR(fit.onset_epoch, 5, 3);
  EXPECT_NEAR(fit.end_epoch, 92, 6);
  EXPECT_NEAR(fit.from_value, 0.1, 0.03);
  EXPECT_NEAR(fit.to_value, 0.9, 0.02);
  EXPECT_LT(fit.p_value, 0.01);
  EXPECT_FALSE(detect(ty, Phase::compression).detected);
}

TEST(Phases, FlatCurveHasNoPhase) {
  const Curves c = make_curves(4, 50, [](int) { return 12.0; }, 0.0, 0.0, 0);
  for (const Phase ph : {Phase::fitting, Phase::compression}) {
    const PhaseResult p = detect(c, ph);
    EXPECT_FALSE(p.detected);
    EXPECT_EQ(p.size, 0.0);
    EXPECT_EQ(p.p_value, 1.0);
    EXPECT_EQ(p.from_epoch, 1);
    EXPECT_EQ(p.duration(), 0);
  }
}

TEST(Phases, CompressionThatRecoversIsFound) {
  // a fitting phase interrupted by a 1-bit compression (epochs 100-150), then a rise
  // above the first peak: the final value is the maximum, the compression is still there
  const auto f = [](int e) {
    if (e <= 100) return 5.0 + 3.0 * e / 100.0;
    if (e <= 150) return 8.0 - (e - 100) / 50.0;
    return 7.0 + 2.0 * (e - 150) / 150.0;
  };
  const Curves c = make_curves(6, 300, f, 0.05, 0.03, 11);
  const PhaseResult p = detect(c, Phase::compression);
  EXPECT_TRUE(p.detected);
  EXPECT_NEAR(p.size, 1.0, 0.1);
  EXPECT_NEAR(p.from_epoch, 100, 5);
  EXPECT_NEAR(p.to_epoch, 150, 5);
}

TEST(Phases, SmallButConsistentDropIsBelowTheThreshold) {
  const Curves c = make_curves(10, 200, [](int e) { return 4.0 - 0.02 * e / 200.0; }, 0.0, 0.001, 5);
  const PhaseResult p = detect(c, Phase::compression);
  EXPECT_NEAR(p.size, 0.02, 0.003);
  EXPECT_LT(p.p_value, 0.01);  // real, but too small to count
  EXPECT_FALSE(p.detected);
  PhaseOptions o;
  o.min_size = 0.01;
  EXPECT_TRUE(detect(c, Phase::compression, o).detected);
}

TEST(Phases, MissingValuesAndNoData) {
  // kNN has no I(X;T): every value NaN
  Curves c = make_curves(3, 20, [](int) { return kMissing; }, 0.0, 0.0, 0);
  const PhaseResult p = detect(c, Phase::compression);
  EXPECT_FALSE(p.has_data());
  EXPECT_FALSE(p.detected);
  EXPECT_EQ(p.n, 0u);
  EXPECT_TRUE(std::isnan(p.size));
  EXPECT_EQ(p.duration(), -1);
  // one repetition without values, some epochs missing in another
  c = make_curves(3, 100, [](int e) { return e <= 50 ? 3.0 : 2.0; }, 0.0, 0.01, 2);
  for (int e = 0; e < 100; ++e) c.values[static_cast<std::size_t>(e)] = kMissing;
  for (int e = 10; e < 20; ++e) c.values[100 + static_cast<std::size_t>(e)] = kMissing;
  const PhaseResult q = detect(c, Phase::compression);
  EXPECT_EQ(q.n, 2u);
  EXPECT_TRUE(q.detected);
  EXPECT_NEAR(q.size, 1.0, 0.05);
}

TEST(Phases, OneRepetitionHasNoTest) {
  const Curves c = make_curves(1, 100, [](int e) { return e <= 50 ? 3.0 : 2.0; }, 0.0, 0.0, 0);
  const PhaseResult p = detect(c, Phase::compression);
  EXPECT_TRUE(std::isnan(p.p_value));
  EXPECT_TRUE(p.detected);  // the size decides
  EXPECT_DOUBLE_EQ(p.ci_low, p.size);
  EXPECT_DOUBLE_EQ(p.ci_high, p.size);
}

TEST(Phases, BootstrapIsSeededAndDeterministic) {
  const auto f = [](int e) { return e <= 60 ? 4.0 + e / 60.0 : 5.0 - 0.3 * (e - 60) / 140.0; };
  const Curves c = make_curves(5, 200, f, 0.1, 0.1, 4);
  const PhaseResult a = detect(c, Phase::compression);
  const PhaseResult b = detect(c, Phase::compression);
  EXPECT_EQ(a.ci_low, b.ci_low);
  EXPECT_EQ(a.ci_high, b.ci_high);
  EXPECT_EQ(a.p_value, b.p_value);
  PhaseOptions o;
  o.seed = 99;
  const PhaseResult other = detect(c, Phase::compression, o);
  EXPECT_EQ(other.size, a.size);  // the observed curve does not depend on the seed
  EXPECT_TRUE(other.ci_low != a.ci_low || other.ci_high != a.ci_high);
}

TEST(Phases, OptionsAreChecked) {
  PhaseOptions o;
  o.alpha = 0.0;
  EXPECT_THROW(check_phase_options(o), InputError);
  o = {};
  o.n_bootstrap = 5;
  try {
    check_phase_options(o, "compare");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "compare: --bootstrap must be in [20, 1000000]; got 5");
  }
  o = {};
  o.min_size = -1;
  EXPECT_THROW(check_phase_options(o), InputError);
}

/// A copy of the fixture run in a fresh temporary folder, removed at the end.
struct FixtureCopy {
  fs::path dir;
  FixtureCopy() {
    dir = fs::temp_directory_path() / ("infoplane_phases_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const char* f : {"manifest.json", "mi.csv", "accuracy.csv", "activation_range.csv"})
      fs::copy_file(fs::path(INFOPLANE_FIXTURES) / "run_small" / f, dir / f);
  }
  ~FixtureCopy() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

TEST(Phases, RunDirectoryTableAndCsv) {
  // run_small: dense5 and the output fit and then compress; dense1-4 rise slowly
  const FixtureCopy run;
  const std::vector<std::string> estimators = {"exact"};
  const PhasesReport r = phases_run(run.dir, estimators, {});
  EXPECT_EQ(r.selection.kept, (std::vector<int>{0, 1, 3}));
  ASSERT_EQ(r.estimators.size(), 1u);
  const std::vector<LayerPhases>& layers = r.estimators[0].layers;
  ASSERT_EQ(layers.size(), 6u);  // the input is left out
  EXPECT_EQ(layers[0].name, "dense1");
  EXPECT_EQ(layers[5].name, "output");
  for (int l = 0; l < 4; ++l) EXPECT_FALSE(layers[static_cast<std::size_t>(l)].compression.detected) << l;
  EXPECT_TRUE(layers[4].compression.detected);
  EXPECT_TRUE(layers[5].compression.detected);
  EXPECT_TRUE(layers[5].fitting.detected);
  EXPECT_GT(layers[5].compression.from_epoch, layers[5].fitting.onset_epoch);
  ASSERT_TRUE(fs::exists(r.csv));
  std::ifstream in(r.csv);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header,
            "estimator,layer,name,phase,n,smooth,from_epoch,onset_epoch,end_epoch,to_epoch,"
            "duration,from_bits,to_bits,size,ci_low,ci_high,p_value,detected");
  std::stringstream rest;
  rest << in.rdbuf();
  EXPECT_NE(rest.str().find("exact,6,output,compression,3,1,"), std::string::npos) << rest.str();

  // every estimator by default; a quoted name stays one cell
  const PhasesReport all = phases_run(run.dir, {}, {});
  EXPECT_EQ(all.estimators.size(), 2u);
  EXPECT_THROW(phases_run(run.dir, std::vector<std::string>{"kde"}, {}), InputError);
}

}  // namespace
}  // namespace infoplane::report
