/// @brief `infoplane phases`: fitting and compression phases of each layer of a run.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "infoplane/report/phases.h"

namespace infoplane::cli {

namespace {

struct PhasesCliOptions {
  std::string run_dir;
  std::vector<std::string> estimators;
  report::PhaseOptions phases;
  bool json = false;
};

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json epoch_or_null(const report::PhaseResult& p, int epoch) {
  return p.has_data() ? nlohmann::json(epoch) : nlohmann::json(nullptr);
}

nlohmann::json phase_json(const report::PhaseResult& p) {
  return {{"detected", p.detected},
          {"n", p.n},
          {"smooth", p.smooth},
          {"from_epoch", epoch_or_null(p, p.from_epoch)},
          {"onset_epoch", epoch_or_null(p, p.onset_epoch)},
          {"end_epoch", epoch_or_null(p, p.end_epoch)},
          {"to_epoch", epoch_or_null(p, p.to_epoch)},
          {"duration", epoch_or_null(p, p.duration())},
          {"from_bits", number_or_null(p.from_value)},
          {"to_bits", number_or_null(p.to_value)},
          {"size", number_or_null(p.size)},
          {"ci_low", number_or_null(p.ci_low)},
          {"ci_high", number_or_null(p.ci_high)},
          {"p_value", number_or_null(p.p_value)}};
}

std::string table_row(const std::string& layer, const report::PhaseResult& p) {
  const std::string phase(report::phase_name(p.phase));
  if (!p.has_data()) return fmt::format("{:<10} {:<12} {:<9} no data\n", layer, phase, "n/a");
  const std::string p_text = std::isnan(p.p_value) ? std::string("-") : fmt::format("{:.3f}", p.p_value);
  return fmt::format("{:<10} {:<12} {:<9} {:>7} {:>7} {:>8} {:>8.3f}  [{:.3f}, {:.3f}]  {:>6}\n",
                     layer, phase, p.detected ? "yes" : "no", p.onset_epoch, p.end_epoch,
                     p.duration(), p.size, p.ci_low, p.ci_high, p_text);
}

void run_phases(const PhasesCliOptions& o) {
  const report::PhasesReport r = report::phases_run(o.run_dir, o.estimators, o.phases);
  if (o.json) {
    nlohmann::json out;
    out["run"] = r.info.name;
    out["repetitions"] = {{"kept", r.selection.kept},
                          {"bad_fit", r.selection.bad_fit},
                          {"failed", r.selection.failed}};
    out["options"] = {{"min_size", o.phases.min_size},
                      {"alpha", o.phases.alpha},
                      {"bootstrap", o.phases.n_bootstrap},
                      {"seed", o.phases.seed},
                      {"min_accuracy", o.phases.min_train_accuracy}};
    nlohmann::json estimators = nlohmann::json::array();
    for (const report::EstimatorPhases& e : r.estimators) {
      nlohmann::json layers = nlohmann::json::array();
      for (const report::LayerPhases& l : e.layers)
        layers.push_back({{"layer", l.layer},
                          {"name", l.name},
                          {"fitting", phase_json(l.fitting)},
                          {"compression", phase_json(l.compression)}});
      estimators.push_back({{"estimator", e.estimator}, {"layers", layers}});
    }
    out["estimators"] = estimators;
    out["csv"] = r.csv.string();
    fmt::print("{}\n", out.dump());
    return;
  }
  fmt::print("run {}: {}\n", r.info.name, report::describe_selection(r.selection));
  for (const report::EstimatorPhases& e : r.estimators) {
    const std::size_t smooth = e.layers.empty() ? 1 : e.layers.front().fitting.smooth;
    fmt::print("\nestimator {} (smoothing over {} recorded epochs; detected: size >= {:g} bits "
               "and p <= {:g}, {} resamples)\n",
               e.estimator, smooth, o.phases.min_size, o.phases.alpha, o.phases.n_bootstrap);
    fmt::print("{:<10} {:<12} {:<9} {:>7} {:>7} {:>8} {:>8}  {:<16}  {:>6}\n", "layer", "phase",
               "detected", "onset", "end", "duration", "bits", "95% CI", "p");
    for (const report::LayerPhases& l : e.layers) {
      fmt::print("{}", table_row(l.name, l.fitting));
      fmt::print("{}", table_row(l.name, l.compression));
    }
  }
  fmt::print("\nsummary  {}\n", r.csv.string());
}

}  // namespace

void add_phases_command(CLI::App& app) {
  auto o = std::make_shared<PhasesCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "phases",
      "Fitting (I(T;Y) rising) and compression (I(X;T) falling) phases of each layer of a "
      "run, with a bootstrap over repetitions; writes RUN_DIR/summary/phases.csv");
  cmd->add_option("run_dir", o->run_dir, "Run directory written by `infoplane run`")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--estimator", o->estimators,
                  "Estimator, as named in the estimator column of mi.csv (default: all); "
                  "repeat the option for several")
      ->expected(1)
      ->allow_extra_args(false)
      ->take_all();
  cmd->add_flag("--json", o->json, "Print one JSON object instead of the table");
  cmd->add_option("--smooth", o->phases.smooth,
                  "Moving-average window in recorded epochs (0: 1% of them, odd)")
      ->capture_default_str();
  cmd->add_option("--min-size", o->phases.min_size, "Smallest phase in bits")->capture_default_str();
  cmd->add_option("--alpha", o->phases.alpha, "Largest p-value of a detected phase")
      ->capture_default_str();
  cmd->add_option("--bootstrap", o->phases.n_bootstrap, "Bootstrap resamples of the repetitions")
      ->capture_default_str();
  cmd->add_option("--seed", o->phases.seed, "Seed of the resampling")->capture_default_str();
  cmd->add_option("--min-accuracy", o->phases.min_train_accuracy,
                  "Leave out repetitions whose final training accuracy is below this")
      ->capture_default_str();
  cmd->callback([o] { run_phases(*o); });
}

}  // namespace infoplane::cli
