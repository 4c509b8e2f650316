/// @brief `infoplane estimate`: the classic estimators (binning, adaptive binning, KDE
/// bounds, kNN) on a user's own activation matrix, or KSG on two continuous samples.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "infoplane/common.h"
#include "infoplane/data/csv.h"
#include "infoplane/data/float_csv.h"
#include "infoplane/info/estimator.h"
#include "infoplane/info/ksg.h"
#include "infoplane/info/spec.h"

namespace infoplane::cli {
namespace {

struct EstimateOptions {
  std::string spec;
  std::string activations_path;
  std::string labels_path;
  std::string activation_fn;
  std::string x_path;
  std::string y_path;
  bool json = false;
};

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {"tanh",    "relu",    "relu6",
                                                 "sigmoid", "softmax", "linear"};
  return names;
}

/// JSON number, or null for a value the estimator does not provide (NaN).
nlohmann::json number_or_null(double v) {
  return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
}

std::string text_value(double v) {
  return std::isnan(v) ? std::string("not estimated") : fmt::format("{:.7f} bits", v);
}

void run_pair(const EstimateOptions& options, const info::EstimatorSpec& spec) {
  const auto* ksg = std::get_if<info::KsgOptions>(&spec.options);
  if (ksg == nullptr)
    input_error("estimate: --x/--y need a kNN estimator; got {}, expected ksg:k=K[,alg=2]",
                spec.canonical);
  if (!options.labels_path.empty() || !options.activation_fn.empty())
    input_error("estimate: --labels and --activation-fn go with --activations; got them with "
                "--x/--y, expected --x A.csv --y B.csv only");
  data::FloatTable x = data::read_float_csv(options.x_path);
  data::FloatTable y = data::read_float_csv(options.y_path);
  if (x.n_rows != y.n_rows)
    input_error("estimate: {} and {} must have the same number of rows; got {} and {}, "
                "expected equal counts",
                options.x_path, options.y_path, x.n_rows, y.n_rows);
  // The noise seeds differ between x and y so that they do not receive the same noise.
  info::ksg_preprocess(x.values, x.n_rows, x.n_cols, ksg->normalize, ksg->noise, ksg->seed);
  info::ksg_preprocess(y.values, y.n_rows, y.n_cols, ksg->normalize, ksg->noise,
                       ksg->seed + 1);
  const double nats = info::ksg_mi({x.values.data(), x.n_rows, x.n_cols},
                                   {y.values.data(), y.n_rows, y.n_cols}, ksg->k,
                                   ksg->algorithm);
  const double bits = nats / std::log(2.0);
  if (options.json) {
    nlohmann::json out;
    out["estimator"] = spec.canonical;
    out["i_xy"] = bits;
    fmt::print("{}\n", out.dump());
    return;
  }
  fmt::print("estimator {}\n", spec.canonical);
  fmt::print("samples   {}\n", x.n_rows);
  fmt::print("I(X;Y)    {:.7f} bits\n", bits);
}

void run_activations(const EstimateOptions& options, const info::EstimatorSpec& spec) {
  if (!options.activation_fn.empty() &&
      std::find(activation_names().begin(), activation_names().end(), options.activation_fn) ==
          activation_names().end())
    input_error("estimate: unknown --activation-fn; got {}, expected one of {}",
                options.activation_fn, fmt::join(activation_names(), ", "));
  std::unique_ptr<info::Estimator> estimator = info::make_estimator(options.spec);
  if (options.activation_fn.empty()) {
    const auto* binning = std::get_if<info::BinningOptions>(&spec.options);
    if (binning != nullptr && binning->bounds == info::BinBounds::Fixed &&
        !binning->fixed_range)
      input_error("estimate: {} takes its bins from the activation function; got no "
                  "--activation-fn, expected --activation-fn {} or bounds=fixed:LO:HI, "
                  "global, layer or neuron",
                  spec.canonical, "tanh|sigmoid|softmax|relu6");
  }
  estimator->check_activation(options.activation_fn);
  const data::FloatTable table = data::read_float_csv(options.activations_path, data::Precision::float32);
  std::vector<std::uint32_t> labels;
  std::size_t n_classes = 0;
  if (!options.labels_path.empty()) {
    const std::vector<std::int64_t> raw = data::read_label_file(options.labels_path);
    if (raw.size() != table.n_rows)
      input_error("{}: {} labels for the {} rows of {}; expected one label per row",
                  options.labels_path, raw.size(), table.n_rows, options.activations_path);
    n_classes = data::remap_labels(raw, labels);
  }
  info::LayerContext context;
  context.activation = options.activation_fn;
  const std::vector<float> values(table.values.begin(), table.values.end());
  if (estimator->needs_run_range()) {
    // The user's matrix is the whole run: its own min/max is the run-wide range.
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    context.run_range = info::ValueRange{*lo, *hi};
  }
  const info::PlaneMi mi = estimator->estimate({values.data(), table.n_rows, table.n_cols},
                                               labels, n_classes, context);
  if (options.json) {
    nlohmann::json out;
    out["estimator"] = estimator->canonical_name();
    out["i_xt"] = number_or_null(mi.i_xt);
    out["i_ty"] = number_or_null(mi.i_ty);
    fmt::print("{}\n", out.dump());
    return;
  }
  fmt::print("estimator {}\n", estimator->canonical_name());
  fmt::print("samples   {} x {}\n", table.n_rows, table.n_cols);
  fmt::print("I(X;T)    {}\n", text_value(mi.i_xt));
  if (!labels.empty()) fmt::print("I(T;Y)    {}\n", text_value(mi.i_ty));
}

void run_estimate(const EstimateOptions& options) {
  const info::EstimatorSpec spec = info::parse_estimator_spec(options.spec);
  const bool pair = !options.x_path.empty() || !options.y_path.empty();
  if (pair && !options.activations_path.empty())
    input_error("estimate: --activations and --x/--y are alternatives; got both, expected "
                "--activations T.csv or --x A.csv --y B.csv");
  if (pair) {
    if (options.x_path.empty() || options.y_path.empty())
      input_error("estimate: --x and --y go together; got only {}, expected both",
                  options.x_path.empty() ? "--y" : "--x");
    run_pair(options, spec);
    return;
  }
  if (options.activations_path.empty())
    input_error("estimate: no data; got neither --activations nor --x/--y, expected "
                "--activations T.csv or --x A.csv --y B.csv");
  run_activations(options, spec);
}

}  // namespace

void add_estimate_command(CLI::App& app) {
  auto options = std::make_shared<EstimateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "estimate",
      "Estimate mutual information (bits) with a classic estimator: I(X;T) and I(T;Y) of an "
      "activation matrix, or I(X;Y) of two continuous samples (ksg)");
  cmd->add_option("--estimator", options->spec,
                  "Estimator spec name[:value][,key=value...], e.g. binning:30, "
                  "binning:100,bounds=layer, adaptive:30, kde:var=0.001,bound=lower, "
                  "ksg:k=3[,alg=2]")
      ->required();
  cmd->add_option("--activations", options->activations_path,
                  "CSV of activations: one sample per line, one column per unit");
  cmd->add_option("--labels", options->labels_path,
                  "Label file: one integer label per line, one line per sample");
  cmd->add_option("--activation-fn", options->activation_fn,
                  "Activation function of the layer (tanh, relu, relu6, sigmoid, softmax, "
                  "linear): sets the bins of bounds=fixed");
  cmd->add_option("--x", options->x_path, "CSV of the first continuous sample (ksg only)");
  cmd->add_option("--y", options->y_path, "CSV of the second continuous sample (ksg only)");
  cmd->add_flag("--json", options->json, "Print one JSON object instead of text");
  cmd->callback([options] { run_estimate(*options); });
}

}  // namespace infoplane::cli
