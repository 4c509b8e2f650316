/// @brief The estimator spec grammar shared by run configs and the CLI:
/// `name[:value][,key=value...]`, e.g. `binning:30,bounds=fixed:-1:1`, `kde:var=0.05`.
///
/// The value after the colon is either the estimator's main parameter (`binning:30` is
/// `binning,m=30`; `kde:0.05` is `kde,var=0.05`; `ksg:4` is `ksg,k=4`) or a first
/// `key=value` pair (`ksg:k=4,alg=2`). Valid names and keys:
///   exact                                       (computed from quantized codes by the runner)
///   binning   m=30, bounds=fixed|fixed:LO:HI|global|layer|neuron, miller_madow=false
///   adaptive  m=30, miller_madow=false
///   kde       var=0.001, bound=upper|lower
///   ksg       k=3, alg=1|2, normalize=false, noise=0, seed=0
/// The canonical name spells every main parameter and the modifiers that differ from
/// their defaults, e.g. "binning:30,bounds=fixed", "kde:var=0.001,bound=upper",
/// "ksg:k=3,alg=1", "ksg:k=3,alg=1,noise=1e-08,seed=5".
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "infoplane/info/binning.h"
#include "infoplane/info/kde.h"
#include "infoplane/info/ksg.h"

namespace infoplane::info {

/// One `key=value` pair of a spec, as written.
struct SpecParam {
  std::string key;
  std::string value;
};

/// A spec split by the grammar only (no knowledge of names or keys). The main value after
/// the colon, when it has no '=', is returned as `value` (and has_value is true).
struct SpecTokens {
  std::string name;
  std::string value;
  bool has_value = false;
  std::vector<SpecParam> params;
};

/// Splits a spec; InputError for empty names, keys or values and for a missing '='.
SpecTokens tokenize_spec(std::string_view text);

/// The exact measure of the quantized codes (no parameters).
struct ExactOptions {};

using EstimatorOptions =
    std::variant<ExactOptions, BinningOptions, AdaptiveOptions, KdeOptions, KsgOptions>;

/// A validated spec: typed options and the canonical name.
struct EstimatorSpec {
  EstimatorOptions options;
  std::string canonical;
};

/// Parses and validates a spec. InputError (listing the valid names or keys) for unknown
/// names, unknown or repeated keys and bad values.
EstimatorSpec parse_estimator_spec(std::string_view text);

/// Shortcut: the canonical name of a spec ("binning:30" -> "binning:30,bounds=fixed").
std::string canonical_spec(std::string_view text);

/// Whether an estimator (a spec, or mi.csv's estimator column) is the exact MI of the
/// quantized codes: "exact", or "exact:levels=2^32" of an unquantized network. The one rule
/// every part of infoplane uses.
bool is_exact_estimator(std::string_view name);

/// Whether two estimators are the same: equal canonical names, so that a short spec names
/// the estimator of its full form ("binning:30" and "binning:30,bounds=fixed"); names that
/// are not specs ("exact:levels=2^32") are compared as written.
bool same_estimator(std::string_view a, std::string_view b);

/// The valid estimator names, in the order the documentation lists them.
const std::vector<std::string>& estimator_names();

}  // namespace infoplane::info
