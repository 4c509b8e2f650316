/// @brief Tests of `infoplane estimate` and of the float CSV reader it uses.
#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "infoplane/common.h"
#include "infoplane/data/float_csv.h"
#include "run_cli.h"

namespace infoplane {
namespace {

using testing::run_cli;

const std::string kDir = std::string(INFOPLANE_FIXTURES) + "/estimate/";

std::string estimate(const std::string& args) { return "estimate " + args; }

TEST(EstimateCli, BinningJson) {
  // Two bins per unit: four states of two rows each (2 bits); each class holds states
  // with probabilities 1/2, 1/4, 1/4 (1.5 bits), so I(T;Y) = 0.5 bits.
  const auto r = run_cli(estimate("--estimator binning:2,bounds=fixed:0:1 --activations " +
                                  kDir + "activations.csv --labels " + kDir +
                                  "labels.txt --json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["estimator"], "binning:2,bounds=fixed:0:1");
  EXPECT_NEAR(j["i_xt"].get<double>(), 2.0, 1e-12);
  EXPECT_NEAR(j["i_ty"].get<double>(), 0.5, 1e-12);
  EXPECT_EQ(j.size(), 3u);
}

TEST(EstimateCli, BinningText) {
  const auto r = run_cli(estimate("--estimator binning:2,bounds=fixed:0:1 --activations " +
                                  kDir + "activations.csv --labels " + kDir + "labels.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "estimator binning:2,bounds=fixed:0:1\n"
            "samples   8 x 2\n"
            "I(X;T)    2.0000000 bits\n"
            "I(T;Y)    0.5000000 bits\n");
}

TEST(EstimateCli, FixedBoundsFromTheActivationFunction) {
  const std::string base = "--estimator binning:2 --activations " + kDir + "activations.csv";
  const auto missing = run_cli(estimate(base));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err,
            "infoplane: error: estimate: binning:2,bounds=fixed takes its bins from the "
            "activation function; got no --activation-fn, expected --activation-fn "
            "tanh|sigmoid|softmax|relu6 or bounds=fixed:LO:HI, global, layer or neuron\n");
  const auto relu = run_cli(estimate(base + " --activation-fn relu"));
  EXPECT_EQ(relu.exit_code, 2);
  EXPECT_NE(relu.err.find("no default range for activation \"relu\""), std::string::npos);
  const auto bogus = run_cli(estimate(base + " --activation-fn swish"));
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_EQ(bogus.err,
            "infoplane: error: estimate: unknown --activation-fn; got swish, expected one of "
            "tanh, relu, relu6, sigmoid, softmax, linear\n");
  const auto softmax = run_cli(estimate(base + " --activation-fn softmax --json"));
  ASSERT_EQ(softmax.exit_code, 0) << softmax.err;
  EXPECT_NEAR(nlohmann::json::parse(softmax.out)["i_xt"].get<double>(), 2.0, 1e-12);
}

TEST(EstimateCli, GlobalBoundsUseTheMatrixRange) {
  const std::string files = " --activations " + kDir + "activations.csv --json";
  const auto global = run_cli(estimate("--estimator binning:5,bounds=global" + files));
  const auto fixed = run_cli(estimate("--estimator binning:5,bounds=fixed:0.1:0.9" + files));
  ASSERT_EQ(global.exit_code, 0) << global.err;
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_EQ(nlohmann::json::parse(global.out)["i_xt"], nlohmann::json::parse(fixed.out)["i_xt"]);
  EXPECT_TRUE(nlohmann::json::parse(global.out)["i_ty"].is_null());  // no labels
}

TEST(EstimateCli, KdeAndKsgOnActivations) {
  const std::string files =
      " --activations " + kDir + "activations.csv --labels " + kDir + "labels.txt --json";
  const auto kde = run_cli(estimate("--estimator kde:var=0.01,bound=lower" + files));
  ASSERT_EQ(kde.exit_code, 0) << kde.err;
  const nlohmann::json k = nlohmann::json::parse(kde.out);
  EXPECT_EQ(k["estimator"], "kde:var=0.01,bound=lower");
  EXPECT_GT(k["i_xt"].get<double>(), 0.0);
  EXPECT_LE(k["i_xt"].get<double>(), 3.0);
  const auto ksg = run_cli(estimate("--estimator ksg:k=2" + files));
  ASSERT_EQ(ksg.exit_code, 0) << ksg.err;
  const nlohmann::json g = nlohmann::json::parse(ksg.out);
  EXPECT_EQ(g["estimator"], "ksg:k=2,alg=1");
  EXPECT_TRUE(g["i_xt"].is_null());  // not defined for a deterministic layer
  EXPECT_TRUE(g["i_ty"].is_number());
}

TEST(EstimateCli, KsgOnTwoSamples) {
  const auto r = run_cli(
      estimate("--estimator ksg:k=4 --x " + kDir + "x.csv --y " + kDir + "y.csv --json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["estimator"], "ksg:k=4,alg=1");
  EXPECT_NEAR(j["i_xy"].get<double>(), -43.0 / 1260.0 / std::log(2.0), 1e-12);
  EXPECT_EQ(j.size(), 2u);
  const auto text =
      run_cli(estimate("--estimator ksg:4,alg=2 --x " + kDir + "x.csv --y " + kDir + "y.csv"));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("estimator ksg:k=4,alg=2\nsamples   10\nI(X;Y)    "),
            std::string::npos);
}

TEST(EstimateCli, SpecErrorsListTheValidChoices) {
  const std::string files = " --activations " + kDir + "activations.csv";
  const auto name = run_cli(estimate("--estimator histogram:3" + files));
  EXPECT_EQ(name.exit_code, 2);
  EXPECT_EQ(name.err,
            "infoplane: error: estimator \"histogram:3\": unknown name; got histogram, expected "
            "one of exact, binning, adaptive, kde, ksg\n");
  const auto key = run_cli(estimate("--estimator kde:var=0.1,width=2" + files));
  EXPECT_EQ(key.exit_code, 2);
  EXPECT_EQ(key.err,
            "infoplane: error: estimator \"kde:var=0.1,width=2\": unknown key for kde; got "
            "width, expected one of var, bound\n");
  const auto exact = run_cli(estimate("--estimator exact" + files));
  EXPECT_EQ(exact.exit_code, 2);
  EXPECT_NE(exact.err.find("exact works on quantized layer codes"), std::string::npos);
}

TEST(EstimateCli, ArgumentAndDataErrors) {
  const std::string act = " --activations " + kDir + "activations.csv";
  const std::string xy = " --x " + kDir + "x.csv --y " + kDir + "y.csv";
  const auto pair_binning = run_cli(estimate("--estimator binning:30" + xy));
  EXPECT_EQ(pair_binning.exit_code, 2);
  EXPECT_EQ(pair_binning.err,
            "infoplane: error: estimate: --x/--y need a kNN estimator; got "
            "binning:30,bounds=fixed, expected ksg:k=K[,alg=2]\n");
  const auto both = run_cli(estimate("--estimator ksg:k=3" + act + xy));
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("alternatives"), std::string::npos);
  const auto only_x = run_cli(estimate("--estimator ksg:k=3 --x " + kDir + "x.csv"));
  EXPECT_EQ(only_x.exit_code, 2);
  EXPECT_NE(only_x.err.find("--x and --y go together"), std::string::npos);
  const auto none = run_cli(estimate("--estimator ksg:k=3"));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no data"), std::string::npos);
  const auto short_labels =
      run_cli(estimate("--estimator adaptive:4" + act + " --labels " + kDir + "labels_short.txt"));
  EXPECT_EQ(short_labels.exit_code, 2);
  EXPECT_NE(short_labels.err.find("3 labels for the 8 rows"), std::string::npos);
  const auto ragged = run_cli(estimate("--estimator adaptive:4 --activations " + kDir + "ragged.csv"));
  EXPECT_EQ(ragged.exit_code, 2);
  EXPECT_EQ(ragged.err, "infoplane: error: " + kDir +
                            "ragged.csv:2: wrong number of values; got 1, expected 2 (as in "
                            "the first row)\n");
  const auto missing = run_cli(estimate("--estimator adaptive:4 --activations " + kDir + "none.csv"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.csv: cannot open file"), std::string::npos);
  const auto few = run_cli(estimate("--estimator ksg:k=10" + xy));
  EXPECT_EQ(few.exit_code, 2);
  EXPECT_NE(few.err.find("k = 10 needs at least 11 samples; got 10"), std::string::npos);
  // 1e39 would become inf in float32 and give I(X;T) = 0: an input error instead.
  const auto beyond = run_cli(estimate("--estimator binning:30,bounds=global --json --activations " + kDir +
                                       "beyond_float32.csv"));
  EXPECT_EQ(beyond.exit_code, 2);
  EXPECT_EQ(beyond.err, "infoplane: error: " + kDir +
                            "beyond_float32.csv:1: value 1 does not fit in float32; got \"1e39\", expected a "
                            "magnitude of at most 3.4028235e+38\n");
  const auto no_spec = run_cli(estimate(act));
  EXPECT_EQ(no_spec.exit_code, 2);
}

TEST(EstimateFloatCsv, HeaderCommentsSpacesAndLineEnds) {
  const data::FloatTable t =
      data::parse_float_csv("\xEF\xBB\xBF# comment\na, b ,c\r\n1, 2.5,-3e-2\r\n+4,5,6\n\n\r\n", "t.csv");
  EXPECT_EQ(t.n_rows, 2u);
  EXPECT_EQ(t.n_cols, 3u);
  EXPECT_EQ(t.values, (std::vector<double>{1.0, 2.5, -0.03, 4.0, 5.0, 6.0}));
  const data::FloatTable single = data::parse_float_csv("7", "s.csv");
  EXPECT_EQ(single.n_rows, 1u);
  EXPECT_EQ(single.n_cols, 1u);
}

TEST(EstimateFloatCsv, Errors) {
  const auto message = [](const char* text, data::Precision precision = data::Precision::float64) {
    try {
      data::parse_float_csv(text, "t.csv", precision);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("1,2\n3,x\n"),
            "t.csv:2: value 2 is not a number; got \"x\", expected a decimal number");
  EXPECT_EQ(message("1,2\n3,nan\n"),
            "t.csv:2: value 2 is not finite; got \"nan\", expected a finite number");
  EXPECT_EQ(message("1,2\n3,\n"),
            "t.csv:2: value 2 is not a number; got \"\", expected a decimal number");
  EXPECT_EQ(message("1,2\n3,4,5\n"),
            "t.csv:2: wrong number of values; got 3, expected 2 (as in the first row)");
  EXPECT_EQ(message("a,b\n"),
            "t.csv: no data rows; got an empty table, expected at least one line of numbers");
  EXPECT_EQ(message(""),
            "t.csv: no data rows; got an empty table, expected at least one line of numbers");
  EXPECT_EQ(message("1,2\n\n3,4\n"),
            "t.csv:2: blank line before the end of the file; expected a row of 2 numbers");
  EXPECT_EQ(message("\n1,2\n"), "t.csv:1: blank line before the end of the file; expected a row of numbers");
  EXPECT_EQ(message("a,1\n"),
            "t.csv:1: value 1 is not a number; got \"a\", expected a decimal number");
  // Values beyond float32 are refused where they are used as float32, kept where not.
  EXPECT_EQ(message("0,0\n-1e39,0\n", data::Precision::float32),
            "t.csv:2: value 1 does not fit in float32; got \"-1e39\", expected a magnitude of at most "
            "3.4028235e+38");
  EXPECT_EQ(message("0,1e39\n"), "no error");
}

}  // namespace
}  // namespace infoplane
