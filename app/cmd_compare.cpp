/// @brief `infoplane compare`: each classic estimator of a run against the exact MI.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "commands.h"
#include "infoplane/report/compare.h"

namespace infoplane::cli {

namespace {

struct CompareCliOptions {
  std::string run_dir;
  std::string reference;
  std::vector<std::string> formats{"png"};
  report::PhaseOptions phases;
  bool no_plot = false;
  bool no_render = false;
};

std::string bits(double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.3f}", v); }

std::string agreement(const report::PhaseResult& ref, const report::PhaseResult& est) {
  auto yn = [](const report::PhaseResult& p) {
    return !p.has_data() ? "n/a" : p.detected ? "yes" : "no";
  };
  return fmt::format("{} ({}/{})", report::phase_agreement(ref, est), yn(ref), yn(est));
}

std::string dpi(double share, double excess) {
  if (std::isnan(share)) return "-";
  if (share == 0.0) return "kept";
  return fmt::format("{:.1f}% up to {:.3g}", 100.0 * share, excess);
}

void run_compare(const CompareCliOptions& o) {
  report::CompareOptions options;
  options.reference = o.reference;
  options.phases = o.phases;
  options.figure = !o.no_plot;
  options.render = !o.no_render;
  options.formats.clear();
  for (const std::string& f : o.formats) options.formats.push_back(report::parse_format(f));
  const report::CompareReport r = report::compare_run(o.run_dir, options);

  fmt::print("run {}: {}\n", r.info.name, report::describe_selection(r.selection));
  fmt::print("errors in bits over epochs and repetitions; phases: {} / estimator; DPI: share of "
             "(repetition, epoch) where the layer exceeds the one before, largest excess\n",
             r.reference);
  std::string current;
  for (const report::LayerError& e : r.rows) {
    if (e.estimator != current) {
      current = e.estimator;
      fmt::print("\n{} against {}\n", e.estimator, r.reference);
      fmt::print("{:<10} {:>10} {:>11} {:>10} {:>11}  {:<22} {:<22} {:<20} {}\n", "layer",
                 "MAE I(X;T)", "bias I(X;T)", "MAE I(T;Y)", "bias I(T;Y)", "compression",
                 "fitting", "DPI I(X;T)", "DPI I(T;Y)");
    }
    fmt::print("{:<10} {:>10} {:>11} {:>10} {:>11}  {:<22} {:<22} {:<20} {}\n", e.name,
               bits(e.mae_xt), bits(e.bias_xt), bits(e.mae_ty), bits(e.bias_ty),
               agreement(e.reference_compression, e.compression),
               agreement(e.reference_fitting, e.fitting), dpi(e.dpi_xt_share, e.dpi_xt_excess),
               dpi(e.dpi_ty_share, e.dpi_ty_excess));
  }
  fmt::print("\nsummary  {}\n", r.csv.string());
  for (const auto& f : r.figures) fmt::print("figure   {}\n", f.string());
  if (r.figures.empty() && !r.script.empty()) fmt::print("script   {}\n", r.script.string());
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto o = std::make_shared<CompareCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Compare each estimator of a run with the exact MI per layer: mean absolute error, "
      "phases found or missed, data-processing-inequality breaks; writes "
      "RUN_DIR/summary/compare.csv and RUN_DIR/figures/compare.png");
  cmd->add_option("run_dir", o->run_dir, "Run directory written by `infoplane run`")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--reference", o->reference,
                  "The estimator the others are compared with (default: exact, or "
                  "exact:levels=2^32 for an unquantized run)");
  cmd->add_option("--format", o->formats, "Image formats, comma-separated: png, svg, pdf")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_flag("--no-plot", o->no_plot, "Do not write figures/compare.*");
  cmd->add_flag("--no-render", o->no_render,
                "Write the figure's data and gnuplot script only, do not run gnuplot");
  cmd->add_option("--smooth", o->phases.smooth,
                  "Phases: moving-average window in recorded epochs (0: 1% of them, odd)")
      ->capture_default_str();
  cmd->add_option("--min-size", o->phases.min_size, "Phases: smallest phase in bits")
      ->capture_default_str();
  cmd->add_option("--alpha", o->phases.alpha, "Phases: largest p-value of a detected phase")
      ->capture_default_str();
  cmd->add_option("--bootstrap", o->phases.n_bootstrap, "Phases: bootstrap resamples")
      ->capture_default_str();
  cmd->add_option("--seed", o->phases.seed, "Phases: seed of the resampling")->capture_default_str();
  cmd->add_option("--min-accuracy", o->phases.min_train_accuracy,
                  "Leave out repetitions whose final training accuracy is below this")
      ->capture_default_str();
  cmd->callback([o] { run_compare(*o); });
}

}  // namespace infoplane::cli
