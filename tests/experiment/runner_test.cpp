/// @brief Real SZT runs: exact values of the input layer, the data-processing inequality,
/// learning, determinism, bad-fit restarts, and fast vs full evaluation pass.
#include "infoplane/experiment/runner.h"

#include <gtest/gtest.h>

#include "infoplane/data/dataset.h"
#include "infoplane/experiment/evaluation.h"
#include "infoplane/random.h"

#include <array>
#include "infoplane/common.h"

namespace infoplane::experiment {
namespace {

constexpr double k_h_y = 0.9991571;

Config short_config(const std::string& activation, std::size_t epochs) {
  Config c = parse_config("", "test.toml");
  c.network.activation = activation;
  c.training.epochs = epochs;
  c.experiment.repetitions = 1;
  return c;
}

/// Checks the invariants of exact MI in a quantized network at every evaluated epoch.
void expect_exact_invariants(const RepetitionResult& r, std::size_t n_layers) {
  ASSERT_EQ(r.mi.size() % n_layers, 0U);
  for (std::size_t k = 0; k < r.mi.size(); k += n_layers) {
    const MiRow& input = r.mi[k];
    EXPECT_EQ(input.layer, 0U);
    EXPECT_EQ(input.i_xt, 12.0);
    EXPECT_NEAR(input.i_ty, k_h_y, 1e-7);
    for (std::size_t l = 1; l < n_layers; ++l) {
      const MiRow& prev = r.mi[k + l - 1];
      const MiRow& row = r.mi[k + l];
      ASSERT_EQ(row.epoch, input.epoch);
      // Data-processing inequality, exact up to the rounding of the entropy sums.
      EXPECT_LE(row.i_xt, prev.i_xt + 1e-12) << "epoch " << row.epoch << " layer " << l;
      EXPECT_LE(row.i_ty, prev.i_ty + 1e-12) << "epoch " << row.epoch << " layer " << l;
      EXPECT_GE(row.i_xt, 0.0);
      EXPECT_GE(row.i_ty, -1e-12);
      EXPECT_LE(row.i_ty, row.i_xt + 1e-12);
    }
  }
}

TEST(Runner, ShortTanhRunLearnsAndKeepsTheExactInvariants) {
  const Config c = short_config("tanh", 300);
  const data::Dataset d = load_dataset(c);
  const RepetitionResult r = run_repetition(c, d, 0);
  ASSERT_TRUE(r.ok) << r.message;
  ASSERT_EQ(r.accuracy.size(), 300U);
  EXPECT_EQ(r.mi.size(), 300U * 7U);
  expect_exact_invariants(r, 7);
  EXPECT_GT(r.accuracy.back().train_accuracy, 0.9);
  EXPECT_LT(r.accuracy.back().train_loss, r.accuracy.front().train_loss);
  // The softmax layer of 2 units at 8 bits has at most 2^8 states per unit.
  EXPECT_LE(r.mi.back().i_xt, 16.0);
}

TEST(Runner, ShortReluRunKeepsTheExactInvariants) {
  Config c = short_config("relu", 200);
  c.experiment.mi_every = 10;
  const data::Dataset d = load_dataset(c);
  const RepetitionResult r = run_repetition(c, d, 3);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.mi.size(), 20U * 7U);
  EXPECT_EQ(r.mi.front().epoch, 10U);
  expect_exact_invariants(r, 7);
}

TEST(Runner, SameSeedGivesIdenticalResults) {
  const Config c = short_config("tanh", 40);
  const data::Dataset d = load_dataset(c);
  const RepetitionResult a = run_repetition(c, d, 2);
  const RepetitionResult b = run_repetition(c, d, 2);
  const RepetitionResult other = run_repetition(c, d, 5);
  ASSERT_EQ(a.mi.size(), b.mi.size());
  bool differs = false;
  for (std::size_t i = 0; i < a.mi.size(); ++i) {
    EXPECT_EQ(a.mi[i].i_xt, b.mi[i].i_xt);
    EXPECT_EQ(a.mi[i].i_ty, b.mi[i].i_ty);
    differs |= a.mi[i].i_xt != other.mi[i].i_xt;
  }
  for (std::size_t i = 0; i < a.accuracy.size(); ++i) EXPECT_EQ(a.accuracy[i].train_loss, b.accuracy[i].train_loss);
  EXPECT_TRUE(differs);
  EXPECT_EQ(a.seed, 2U);
}

TEST(Runner, BadFitsAreRestartedAndCounted) {
  Config c = short_config("relu", 3);
  c.experiment.restart_from_epoch = 2;
  c.experiment.restart_below = 1.01;  // no attempt can pass
  c.experiment.max_restarts = 2;
  const data::Dataset d = load_dataset(c);
  const RepetitionResult r = run_repetition(c, d, 0);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.restarts, 2U);  // max_restarts: three attempts, two of them restarts
  ASSERT_EQ(r.restart_reasons.size(), 3U);
  EXPECT_NE(r.restart_reasons[0].find("at epoch 2"), std::string::npos) << r.restart_reasons[0];
  EXPECT_NE(r.message.find("gave up after 3 attempts (2 restarts); last: "), std::string::npos) << r.message;
  EXPECT_TRUE(r.mi.empty());
}

TEST(Runner, PrefittingTrainsOnShuffledLabelsFirstAndMeasuresAgainstTheTrueOnes) {
  const data::Dataset d = load_dataset(short_config("tanh", 1));
  Rng rng(7, 0);
  const std::vector<std::uint32_t> shuffled = shuffled_train_labels(d, rng);
  ASSERT_EQ(shuffled.size(), d.y.size());
  std::size_t moved = 0;
  std::array<std::size_t, 2> counts{}, true_counts{};
  for (const std::uint32_t row : d.train) {
    ++counts[shuffled[row]];
    ++true_counts[d.y[row]];
    moved += shuffled[row] != d.y[row] ? 1 : 0;
  }
  for (const std::uint32_t row : d.test) EXPECT_EQ(shuffled[row], d.y[row]);
  EXPECT_EQ(counts, true_counts);      // same class counts ...
  EXPECT_GT(moved, d.train.size() / 3);  // ... about half the labels changed

  Config c = short_config("tanh", 60);
  c.training.prefit_epochs = 40;
  const RepetitionResult r = run_repetition(c, d, 1);
  ASSERT_TRUE(r.ok) << r.message;
  ASSERT_EQ(r.accuracy.size(), 100U);
  EXPECT_EQ(r.accuracy.back().epoch, 100U);
  EXPECT_EQ(r.mi.size(), 100U * 7U);
  expect_exact_invariants(r, 7);

  // The bad-fit rule counts from the end of prefitting: epoch 40 + 20.
  Config bad = c;
  bad.experiment.restart_from_epoch = 20;
  bad.experiment.restart_below = 1.01;  // no attempt can pass
  bad.experiment.max_restarts = 0;
  const RepetitionResult failed = run_repetition(bad, d, 1);
  ASSERT_EQ(failed.restart_reasons.size(), 1U);
  EXPECT_NE(failed.restart_reasons[0].find("at epoch 60"), std::string::npos) << failed.restart_reasons[0];

  // Same weights (drawn before the labels), other labels: the first epoch's loss differs.
  const RepetitionResult plain = run_repetition(short_config("tanh", 1), d, 1);
  EXPECT_NE(plain.accuracy[0].train_loss, r.accuracy[0].train_loss);
}

TEST(Evaluation, FastPathEqualsFullPathAtEveryEpoch) {
  for (const char* activation : {"tanh", "relu"}) {
    const Config c = short_config(activation, 1);
    const data::Dataset d = load_dataset(c);
    Rng rng(9);
    nn::Network<float> net(c.network_spec(12, 2), c.quant_spec(), 256, rng);
    Evaluator fast(d), full(d);
    std::vector<float> x(256 * 12);
    std::vector<std::uint32_t> y(256);
    for (int epoch = 0; epoch < 25; ++epoch) {
      net.begin_epoch();
      for (std::size_t start = 0; start < d.train.size(); start += 256) {
        const std::size_t n = std::min<std::size_t>(256, d.train.size() - start);
        data::gather_batch(d, std::span(d.train).subspan(start, n), x.data(), y.data());
        net.train_batch(x.data(), y, n, c.training.adam);
      }
      const Evaluation a = fast.evaluate(net, true);
      const Evaluation b = full.evaluate_full(net, true);
      ASSERT_EQ(a.layers.size(), 7U);
      for (std::size_t l = 0; l < a.layers.size(); ++l) {
        EXPECT_EQ(a.layers[l].n_states, b.layers[l].n_states) << activation << " epoch " << epoch << " layer " << l;
        EXPECT_NEAR(a.layers[l].i_xt, b.layers[l].i_xt, 1e-12);
        EXPECT_NEAR(a.layers[l].i_ty, b.layers[l].i_ty, 1e-12);
        EXPECT_EQ(a.layers[l].min, b.layers[l].min);
        EXPECT_EQ(a.layers[l].max, b.layers[l].max);
      }
      EXPECT_EQ(a.train_accuracy, b.train_accuracy);
      EXPECT_EQ(a.test_accuracy, b.test_accuracy);
    }
  }
}

TEST(Evaluation, ReferenceRuleAndFloatNetworkRunTheFullPath) {
  for (const auto& [bits, range] : {std::pair{8, "reference"}, std::pair{32, "epoch"}}) {
    Config c = short_config("relu", 30);
    c.quantization.bits = bits;
    c.quantization.range = range;
    const data::Dataset d = load_dataset(c);
    const RepetitionResult r = run_repetition(c, d, 0);
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(r.mi.size(), 30U * 7U);
    for (const MiRow& row : r.mi) {
      EXPECT_GE(row.i_xt, 0.0);
      EXPECT_LE(row.i_xt, 12.0 + 1e-12);
      EXPECT_LE(row.i_ty, k_h_y + 1e-7);
    }
    if (bits == 32) {
      // An unquantized float network keeps (nearly) all 4096 patterns apart in layer 1.
      EXPECT_GT(r.mi[1].i_xt, 11.9);
    }
  }
}

}  // namespace
}  // namespace infoplane::experiment

namespace infoplane::experiment {
namespace {

TEST(Runner, EstimatorsRunOnTheSameEvaluationPassAndGlobalBoundsOnAReplay) {
  Config c = short_config("tanh", 20);
  c.experiment.mi_every = 10;
  c.experiment.estimators = {"exact", "binning:30", "binning:30,bounds=global", "adaptive:30"};
  const std::vector<std::string> names = c.estimator_names();
  EXPECT_EQ(names, (std::vector<std::string>{"exact", "binning:30,bounds=fixed", "binning:30,bounds=global",
                                              "adaptive:30"}));
  const data::Dataset d = load_dataset(c);
  const RepetitionResult r = run_repetition(c, d, 0);
  ASSERT_TRUE(r.ok);
  // Per evaluated epoch: 7 exact rows and 6 rows (layers 1..6) per other estimator.
  ASSERT_EQ(r.mi.size(), 2U * (7 + 3 * 6));
  std::array<std::size_t, 4> per_estimator{};
  for (const MiRow& row : r.mi) {
    ++per_estimator[row.estimator];
    EXPECT_TRUE(row.epoch == 10 || row.epoch == 20);
    if (row.estimator != 0) {
      EXPECT_GE(row.layer, 1U);
      EXPECT_GE(row.i_xt, 0.0);
      EXPECT_LE(row.i_xt, 12.0 + 1e-12);
    }
  }
  EXPECT_EQ(per_estimator, (std::array<std::size_t, 4>{14, 12, 12, 12}));
  // Rows are grouped by epoch, the replayed global-bounds rows included.
  EXPECT_TRUE(std::is_sorted(r.mi.begin(), r.mi.end(), [](const MiRow& a, const MiRow& b) { return a.epoch < b.epoch; }));
  // The replay reproduces training exactly: the exact rows equal a run without estimators.
  Config plain = c;
  plain.experiment.estimators = {"exact"};
  const RepetitionResult p = run_repetition(plain, d, 0);
  std::vector<double> exact_a, exact_b;
  for (const MiRow& row : r.mi) if (row.estimator == 0) exact_a.push_back(row.i_xt);
  for (const MiRow& row : p.mi) exact_b.push_back(row.i_xt);
  EXPECT_EQ(exact_a, exact_b);
}

TEST(Config, EstimatorSpecsAreValidatedWithTheirIndex) {
  Config c = parse_config("[experiment]\nestimators = [\"exact\", \"binning:30\"]\n", "e.toml");
  EXPECT_EQ(c.experiment.estimators.size(), 2U);
  try {
    parse_config("[experiment]\nestimators = [\"exact\", \"bining:30\"]\n", "e.toml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("e.toml: [experiment].estimators[1]:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("binning"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_config("[experiment]\nestimators = [\"exact\", \"exact\"]\n", "e.toml"), InputError);
}

}  // namespace
}  // namespace infoplane::experiment
