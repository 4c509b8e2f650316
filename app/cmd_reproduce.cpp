/// @brief `infoplane reproduce [EXPERIMENT...|all]`: runs the paper's experiments (skipping
/// finished ones, resuming interrupted ones), draws their figures and writes report.md
/// with the verdicts on the paper's findings.
#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "infoplane/common.h"
#include "infoplane/experiment/schedule.h"
#include "infoplane/experiment/store.h"
#include "infoplane/experiment/suite.h"
#include "infoplane/report/gnuplot.h"
#include "infoplane/report/paper_report.h"
#include "infoplane/report/phases.h"
#include "infoplane/report/plot.h"
#include "infoplane/version.h"

namespace infoplane::cli {

namespace {

namespace fs = std::filesystem;

struct ReproduceOptions {
  std::vector<std::string> experiments;
  std::string out;
  std::string report_dir;
  std::string experiments_dir;
  std::size_t threads = 0;
  bool quick = false;
  bool list = false;
  bool report_only = false;
};

std::vector<const experiment::SuiteExperiment*> selection(const std::vector<std::string>& names) {
  std::vector<const experiment::SuiteExperiment*> out;
  const bool all = names.empty() || std::find(names.begin(), names.end(), "all") != names.end();
  for (const experiment::SuiteExperiment& e : experiment::paper_suite()) {
    if (all) out.push_back(&e);
  }
  if (!all) {
    for (const std::string& n : names) {
      const experiment::SuiteExperiment* e = &experiment::find_suite_experiment(n);
      if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    }
  }
  return out;
}

/// "complete" if RUN_DIR holds a finished run of `config`; "partial" if it holds an
/// unfinished one; "" if there is none. Throws InputError if it holds another config's run.
std::string run_state(const fs::path& run_dir, const experiment::Config& config) {
  const fs::path manifest_path = run_dir / "manifest.json";
  if (!fs::exists(manifest_path)) return "";
  std::ifstream in(manifest_path);
  const nlohmann::json manifest = nlohmann::json::parse(in, nullptr, false);
  if (!manifest.is_object() || !manifest.contains("config")) {
    input_error("{}: not a run manifest; remove the folder or choose another --out", manifest_path.string());
  }
  const std::string diff = experiment::json_difference(experiment::result_config(manifest["config"]),
                                                       experiment::result_config(config.to_json()));
  if (!diff.empty()) {
    input_error("{}: holds a run of another config ({}, run vs now); choose another --out (a --quick run "
                "and a full one need separate folders) or remove it",
                run_dir.string(), diff);
  }
  return manifest.value("status", "") == "complete" ? "complete" : "partial";
}

std::string caption_of(const fs::path& image) {
  fs::path caption = image;
  caption.replace_extension(".caption.txt");
  std::ifstream in(caption);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

/// Draws the experiment's figures into RUN_DIR/figures; returns the PNG files.
std::vector<fs::path> draw(const fs::path& run_dir, const experiment::Config& config) {
  report::PlotOptions options;
  options.figures = {report::Figure::plane, report::Figure::variance, report::Figure::accuracy};
  if (config.network.activation == "relu" && config.data.dataset == "szt") {
    options.figures.push_back(report::Figure::range);
  }
  std::vector<fs::path> images = report::plot_run(run_dir, options).figures;
  const std::vector<std::string> estimators = config.estimator_names();
  if (estimators.size() > 1) {
    std::vector<report::ComparePanel> panels;
    for (const std::string& e : estimators) panels.push_back({run_dir, e, e});
    report::PlotOptions compare;
    compare.figures = {report::Figure::plane};
    compare.out_dir = run_dir / "figures";
    const report::PlotReport drawn = report::plot_compare(panels, compare);
    images.insert(images.end(), drawn.figures.begin(), drawn.figures.end());
  }
  return images;
}

void list(const std::vector<const experiment::SuiteExperiment*>& chosen, const ReproduceOptions& options,
          const fs::path& experiments_dir, const fs::path& out) {
  fmt::print("{:<26} {:<16} {:>13} {:>10} {:>11}  {}\n", "experiment", "paper", "size", "s/rep", "projected",
             "status in " + out.string());
  double total = 0;
  for (const experiment::SuiteExperiment* e : chosen) {
    const experiment::Config config = experiment::suite_config(*e, experiments_dir, options.quick);
    const double per_rep = experiment::probe_seconds_per_repetition(config);
    const double projected = experiment::projected_seconds(config, per_rep, options.threads);
    total += projected;
    std::string figures;
    for (const std::string& f : e->figures) figures += (figures.empty() ? "" : ",") + f;
    std::string state = run_state(out / e->name, config);
    fmt::print("{:<26} {:<16} {:>13} {:>10.1f} {:>11}  {}\n", e->name, figures.empty() ? "-" : figures,
               fmt::format("{} x {}", config.experiment.repetitions, config.total_epochs()), per_rep,
               experiment::format_duration(projected), state.empty() ? "not run" : state);
  }
  fmt::print("Total projected: {} on {} thread(s) (measured now: a short repetition of each, scaled).\n",
             experiment::format_duration(total), experiment::resolve_threads(options.threads, 1000));
}

/// Copies the report's images (and each run's phases.csv) next to a report written to
/// another folder than the runs'.
void copy_into(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

void reproduce(const ReproduceOptions& options) {
  const auto chosen = selection(options.experiments);
  const fs::path experiments_dir =
      options.experiments_dir.empty() ? experiment::default_experiments_dir() : fs::path(options.experiments_dir);
  if (!fs::is_directory(experiments_dir)) {
    input_error("--experiments: {} is not a folder; expected the folder of the suite's configs (NAME.toml)",
                experiments_dir.string());
  }
  const fs::path out = options.out.empty() ? fs::path(options.quick ? "runs/paper-quick" : "runs/paper")
                                           : fs::path(options.out);
  if (options.list) {
    list(chosen, options, experiments_dir, out);
    return;
  }
  const fs::path report_dir = options.report_dir.empty() ? out : fs::path(options.report_dir);
  fs::create_directories(out);
  fs::create_directories(report_dir);

  report::ReportInput input;
  input.quick = options.quick;
  input.command = "infoplane reproduce";
  for (const std::string& e : options.experiments) input.command += " " + e;
  if (options.quick) input.command += " --quick";
  input.machine = fmt::format("{} cores, infoplane {} ({})", std::thread::hardware_concurrency(), k_version,
                              k_git_commit);
  std::vector<std::string> failures;
  for (const experiment::SuiteExperiment* e : chosen) {
    const experiment::Config config = experiment::suite_config(*e, experiments_dir, options.quick);
    const fs::path run_dir = out / e->name;
    const experiment::Config full = experiment::suite_config(*e, experiments_dir, false);
    report::ReportEntry entry{e->name, e->title, e->group, e->figures, "not run",
                              config.experiment.repetitions, config.training.epochs, config.training.prefit_epochs,
                              full.experiment.repetitions, full.training.epochs, report::kMissing, {}};
    try {
      std::string state = run_state(run_dir, config);
      if (state == "complete") {
        fmt::print(stderr, "infoplane: {}: finished before, kept ({})\n", e->name, run_dir.string());
      } else if (!options.report_only) {
        fmt::print(stderr, "infoplane: {}: {} ({})\n", e->name, state.empty() ? "running" : "resuming",
                   run_dir.string());
        RunOptions run;
        run.config = (experiments_dir / (e->name + ".toml")).string();
        run.out = run_dir.string();
        run.resume = !state.empty();
        run.no_plot = true;
        experiment::Config threaded = config;
        if (options.threads > 0) threaded.experiment.threads = options.threads;
        run_config(threaded, run);
        state = run_state(run_dir, config);
      }
      if (state == "complete") {
        entry.status = "complete";
        if (options.quick) {
          entry.projected_full_seconds = experiment::projected_seconds(
              full, experiment::probe_seconds_per_repetition(full), options.threads);
        }
        for (const fs::path& image : draw(run_dir, config)) {
          fs::path shown = fs::relative(image, out);
          if (report_dir != out) copy_into(image, report_dir / shown);
          entry.images.emplace_back(shown, caption_of(image));
        }
      } else if (!state.empty()) {
        entry.status = "unfinished (continue with the same command)";
      }
    } catch (const InputError& err) {
      entry.status = fmt::format("failed: {}", err.what());
      failures.push_back(fmt::format("{}: {}", e->name, err.what()));
      fmt::print(stderr, "infoplane: error: {}: {}\n", e->name, err.what());
    }
    input.entries.push_back(std::move(entry));
  }

  report::PhaseOptions phase_options;
  report::RunEvidence evidence(
      [&](std::string_view name) -> std::optional<fs::path> {
        const fs::path dir = out / std::string(name);
        for (const report::ReportEntry& e : input.entries)
          if (e.name == name) return e.status == "complete" ? std::optional<fs::path>(dir) : std::nullopt;
        // Experiments not selected this time count if they finished before with their config.
        try {
          const experiment::Config config =
              experiment::suite_config(experiment::find_suite_experiment(name), experiments_dir, options.quick);
          return run_state(dir, config) == "complete" ? std::optional<fs::path>(dir) : std::nullopt;
        } catch (const InputError&) {
          return std::nullopt;
        }
      },
      phase_options);
  for (const report::ReportEntry& e : input.entries) {
    const report::RunEvidence::Run* run = evidence.get(e.name);
    if (run == nullptr) continue;
    const fs::path csv = out / e.name / "summary" / "phases.csv";
    report::write_file_atomic(csv, report::phases_csv(run->phases));
    if (report_dir != out) copy_into(csv, report_dir / e.name / "summary" / "phases.csv");
  }
  const std::vector<report::Verdict> verdicts = report::paper_verdicts(evidence);
  const fs::path report_path = report_dir / "report.md";
  report::write_file_atomic(report_path, report::paper_report_markdown(input, evidence, verdicts));

  fmt::print("Verdicts on the paper's findings:\n");
  for (const report::Verdict& v : verdicts) {
    fmt::print("  {}{}: {}\n", v.finding, v.variant.empty() ? "" : " (" + v.variant + ")",
               report::outcome_name(v.outcome));
  }
  fmt::print("Report: {}\n", report_path.string());
  if (!failures.empty()) {
    input_error("{} of {} experiments failed (the others are in the report): {}", failures.size(), chosen.size(),
                failures.front());
  }
}

}  // namespace

void add_reproduce_command(CLI::App& app) {
  auto options = std::make_shared<ReproduceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "reproduce", "Run the experiments of Lorenzen, Igel & Nielsen (ICLR 2022), draw their figures and write "
                   "report.md with verdicts on the paper's findings");
  cmd->add_option("experiments", options->experiments,
                  "Experiments of the suite (see --list), or 'all' (the default)");
  cmd->add_flag("--quick", options->quick,
                "Scale repetitions and epochs down so the whole suite runs in minutes (said so in the report)");
  cmd->add_option("--out", options->out,
                  "Folder of the run directories, one per experiment (default: runs/paper, with --quick "
                  "runs/paper-quick); finished runs are kept, interrupted ones resumed");
  cmd->add_option("--report-dir", options->report_dir,
                  "Write report.md here, with copies of its figures (default: the --out folder)");
  cmd->add_option("--experiments", options->experiments_dir,
                  "Folder of the suite's configs (default: the shipped experiments/)");
  cmd->add_option("--threads", options->threads, "Worker threads per experiment (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--list", options->list,
                "List the experiments with their sizes and projected times (measured now) and stop");
  cmd->add_flag("--report-only", options->report_only,
                "Run nothing: draw and report what the --out folder already holds");
  cmd->callback([options] { reproduce(*options); });
}

}  // namespace infoplane::cli
