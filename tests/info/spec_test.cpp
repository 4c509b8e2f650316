/// @brief Tests of the estimator spec grammar: canonical names and error messages.
#include "infoplane/info/spec.h"

#include <string>

#include <gtest/gtest.h>

#include "infoplane/common.h"

namespace infoplane::info {
namespace {

/// The message of the InputError thrown by parsing `spec` (fails the test if none).
std::string spec_error(const std::string& spec) {
  try {
    parse_estimator_spec(spec);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError for \"" << spec << "\"";
  return {};
}

TEST(SpecCanonical, SpellsMainParametersAndNonDefaultModifiers) {
  const std::pair<const char*, const char*> cases[] = {
      {"exact", "exact"},
      {"binning:30", "binning:30,bounds=fixed"},
      {"binning:100,bounds=global", "binning:100,bounds=global"},
      {"binning:30,bounds=fixed:-1:1", "binning:30,bounds=fixed:-1:1"},
      {"binning:256,bounds=fixed:0:1.5", "binning:256,bounds=fixed:0:1.5"},
      {"binning:30,bounds=layer", "binning:30,bounds=layer"},
      {"binning:30,bounds=neuron,miller_madow=true", "binning:30,bounds=neuron,miller_madow=true"},
      {"binning:30,miller_madow=false", "binning:30,bounds=fixed"},
      {"binning,m=30", "binning:30,bounds=fixed"},
      {"binning:m=30", "binning:30,bounds=fixed"},
      {"binning", "binning:30,bounds=fixed"},
      {"adaptive:30", "adaptive:30"},
      {"adaptive:30,miller_madow=true", "adaptive:30,miller_madow=true"},
      {"kde:var=0.001", "kde:var=0.001,bound=upper"},
      {"kde:var=0.05,bound=upper", "kde:var=0.05,bound=upper"},
      {"kde:var=0.05,bound=lower", "kde:var=0.05,bound=lower"},
      {"kde:0.1", "kde:var=0.1,bound=upper"},
      {"kde", "kde:var=0.001,bound=upper"},
      {"ksg:k=3", "ksg:k=3,alg=1"},
      {"ksg:k=4,alg=2", "ksg:k=4,alg=2"},
      {"ksg:4", "ksg:k=4,alg=1"},
      {"ksg:k=4,normalize=true", "ksg:k=4,alg=1,normalize=true"},
      {"ksg:k=3,noise=1e-8,seed=5", "ksg:k=3,alg=1,noise=1e-08,seed=5"},
      {"ksg:k=3,noise=1e-10", "ksg:k=3,alg=1,noise=1e-10,seed=0"},
      {"  ksg : k = 4 , alg = 2 ", "ksg:k=4,alg=2"},
  };
  for (const auto& [spec, canonical] : cases) {
    EXPECT_EQ(canonical_spec(spec), canonical) << spec;
    EXPECT_EQ(canonical_spec(canonical), canonical) << "not a fixed point: " << canonical;
  }
}

TEST(SpecCanonical, TypedOptions) {
  const EstimatorSpec b = parse_estimator_spec("binning:100,bounds=fixed:-2:3,miller_madow=true");
  const auto& bo = std::get<BinningOptions>(b.options);
  EXPECT_EQ(bo.n_bins, 100u);
  EXPECT_EQ(bo.bounds, BinBounds::Fixed);
  ASSERT_TRUE(bo.fixed_range.has_value());
  EXPECT_EQ(bo.fixed_range->lo, -2.0);
  EXPECT_EQ(bo.fixed_range->hi, 3.0);
  EXPECT_TRUE(bo.miller_madow);

  const EstimatorSpec k = parse_estimator_spec("kde:var=0.25,bound=lower");
  const auto& ko = std::get<KdeOptions>(k.options);
  EXPECT_EQ(ko.var, 0.25);
  EXPECT_EQ(ko.bound, KdeBound::Lower);

  const EstimatorSpec g = parse_estimator_spec("ksg:k=5,alg=2,noise=0.5,seed=9");
  const auto& so = std::get<KsgOptions>(g.options);
  EXPECT_EQ(so.k, 5u);
  EXPECT_EQ(so.algorithm, 2);
  EXPECT_EQ(so.noise, 0.5);
  EXPECT_EQ(so.seed, 9u);
  EXPECT_TRUE(std::holds_alternative<ExactOptions>(parse_estimator_spec("exact").options));
}

TEST(SpecTokens, SplitsNameValueAndPairs) {
  const SpecTokens t = tokenize_spec("binning:30,bounds=fixed:-1:1,miller_madow=true");
  EXPECT_EQ(t.name, "binning");
  EXPECT_TRUE(t.has_value);
  EXPECT_EQ(t.value, "30");
  ASSERT_EQ(t.params.size(), 2u);
  EXPECT_EQ(t.params[0].key, "bounds");
  EXPECT_EQ(t.params[0].value, "fixed:-1:1");
  const SpecTokens u = tokenize_spec("kde:var=0.05,bound=lower");
  EXPECT_FALSE(u.has_value);
  ASSERT_EQ(u.params.size(), 2u);
  EXPECT_EQ(u.params[0].key, "var");
}

TEST(SpecErrors, UnknownNameListsTheValidNames) {
  EXPECT_EQ(spec_error("binnign:30"),
            "estimator \"binnign:30\": unknown name; got binnign, expected one of exact, "
            "binning, adaptive, kde, ksg");
}

TEST(SpecErrors, UnknownKeyListsTheValidKeys) {
  EXPECT_EQ(spec_error("binning:30,bins=4"),
            "estimator \"binning:30,bins=4\": unknown key for binning; got bins, expected one "
            "of m, bounds, miller_madow");
  EXPECT_EQ(spec_error("kde:var=1,sigma=2"),
            "estimator \"kde:var=1,sigma=2\": unknown key for kde; got sigma, expected one of "
            "var, bound");
  EXPECT_EQ(spec_error("ksg:k=3,metric=l2"),
            "estimator \"ksg:k=3,metric=l2\": unknown key for ksg; got metric, expected one of "
            "k, alg, normalize, noise, seed");
  EXPECT_EQ(spec_error("adaptive:30,bounds=layer"),
            "estimator \"adaptive:30,bounds=layer\": unknown key for adaptive; got bounds, "
            "expected one of m, miller_madow");
  EXPECT_EQ(spec_error("exact,bits=8"),
            "estimator \"exact,bits=8\": unknown key for exact; got bits, expected no keys");
}

TEST(SpecErrors, BadValues) {
  EXPECT_EQ(spec_error("binning:0"),
            "estimator \"binning:0\": m must be an integer; got 0, expected an integer in "
            "[1, 1073741824]");
  EXPECT_NE(spec_error("binning:abc").find("got abc"), std::string::npos);
  EXPECT_NE(spec_error("binning:3.5").find("got 3.5"), std::string::npos);
  EXPECT_EQ(spec_error("binning:30,bounds=minmax"),
            "estimator \"binning:30,bounds=minmax\": bounds is unknown; got minmax, expected "
            "one of fixed, fixed:LO:HI, global, layer, neuron");
  EXPECT_EQ(spec_error("binning:30,bounds=fixed:1:-1"),
            "estimator \"binning:30,bounds=fixed:1:-1\": bounds is empty; got fixed:1:-1, "
            "expected LO < HI");
  EXPECT_NE(spec_error("binning:30,bounds=fixed:0").find("expected fixed:LO:HI"),
            std::string::npos);
  EXPECT_NE(spec_error("binning:30,bounds=fixed:a:1").find("got a"), std::string::npos);
  EXPECT_NE(spec_error("binning:30,miller_madow=yes").find("expected true or false"),
            std::string::npos);
  EXPECT_NE(spec_error("kde:var=0").find("var must be positive"), std::string::npos);
  EXPECT_NE(spec_error("kde:var=-1").find("var must be positive"), std::string::npos);
  EXPECT_NE(spec_error("kde:var=nan").find("var must be a number"), std::string::npos);
  EXPECT_EQ(spec_error("kde:var=0.1,bound=middle"),
            "estimator \"kde:var=0.1,bound=middle\": bound is unknown; got middle, expected "
            "upper or lower");
  EXPECT_NE(spec_error("ksg:k=0").find("k must be an integer; got 0"), std::string::npos);
  EXPECT_NE(spec_error("ksg:k=3,alg=3").find("alg must be an integer; got 3, expected an "
                                             "integer in [1, 2]"),
            std::string::npos);
  EXPECT_NE(spec_error("ksg:k=3,noise=-1").find("noise must not be negative"),
            std::string::npos);
  EXPECT_EQ(spec_error("ksg:k=3,seed=4"),
            "estimator \"ksg:k=3,seed=4\": seed has no effect without noise; got seed=4, "
            "expected noise=SD with it");
}

TEST(SpecErrors, Grammar) {
  EXPECT_EQ(spec_error(""),
            "estimator \"\": empty spec; got nothing, expected name[:value][,key=value...]");
  EXPECT_EQ(spec_error("binning:30,"),
            "estimator \"binning:30,\": empty item between commas; got \"\", expected key=value");
  EXPECT_EQ(spec_error("binning:30,bounds"),
            "estimator \"binning:30,bounds\": item without '='; got \"bounds\", expected "
            "key=value");
  EXPECT_NE(spec_error("binning:").find("nothing after ':'"), std::string::npos);
  EXPECT_NE(spec_error(":30").find("no estimator name"), std::string::npos);
  EXPECT_NE(spec_error("binning:30,=4").find("empty key or value"), std::string::npos);
  EXPECT_EQ(spec_error("binning:30,m=40"),
            "estimator \"binning:30,m=40\": key m given twice; got 30 and 40, expected one "
            "value");
  EXPECT_EQ(spec_error("exact:8"),
            "estimator \"exact:8\": exact takes no value after ':'; got 8, expected no value");
}

TEST(SpecNames, ListsEveryEstimator) {
  EXPECT_EQ(estimator_names(),
            (std::vector<std::string>{"exact", "binning", "adaptive", "kde", "ksg"}));
}

TEST(SpecNames, OneRuleForTheExactEstimatorAndForShortSpecs) {
  EXPECT_TRUE(is_exact_estimator("exact"));
  EXPECT_TRUE(is_exact_estimator("exact:levels=2^32"));
  EXPECT_FALSE(is_exact_estimator("binning:30"));
  EXPECT_FALSE(is_exact_estimator("exactly"));
  EXPECT_TRUE(same_estimator("binning:30", "binning:30,bounds=fixed"));
  EXPECT_TRUE(same_estimator("exact:levels=2^32", "exact:levels=2^32"));
  EXPECT_FALSE(same_estimator("binning:30", "binning:30,bounds=global"));
  EXPECT_FALSE(same_estimator("exact", "exact:levels=2^32"));
  EXPECT_FALSE(same_estimator("nonsense", "binning:30"));
}

}  // namespace
}  // namespace infoplane::info
