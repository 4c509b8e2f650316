/// @brief `infoplane reproduce [EXPERIMENT...|all]`: runs the paper's experiments (skipping
/// finished ones, resuming interrupted ones), draws their figures and writes report.md
/// with the verdicts on the paper's findings.
#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "validators.h"
#include "infoplane/common.h"
#include "infoplane/experiment/schedule.h"
#include "infoplane/experiment/store.h"
#include "infoplane/experiment/suite.h"
#include "infoplane/store/files.h"
#include "infoplane/store/layout.h"
#include "infoplane/store/manifest.h"
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
  if (names.empty() || std::find(names.begin(), names.end(), "all") != names.end()) {
    for (const experiment::SuiteExperiment& e : experiment::paper_suite()) out.push_back(&e);
    return out;
  }
  for (const std::string& n : names) {
    const experiment::SuiteExperiment* e = &experiment::find_suite_experiment(n);
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
  return out;
}

/// What RUN_DIR holds for `config`: "complete" (a finished run of it), "partial" (an
/// unfinished one), "other" (a run of another config) or "" (no run).
std::string match_state(const fs::path& run_dir, const experiment::Config& config, std::string* difference = nullptr) {
  if (!fs::exists(run_dir / store::k_manifest_file)) return "";
  store::Manifest manifest;
  try {
    manifest = store::read_manifest(run_dir);
  } catch (const InputError&) {
    if (difference != nullptr) *difference = "not a run manifest";
    return "other";
  }
  const std::string diff = experiment::json_difference(experiment::result_config(manifest.config),
                                                       experiment::result_config(config.to_json()));
  if (!diff.empty()) {
    if (difference != nullptr) *difference = diff + ", run vs now";
    return "other";
  }
  return manifest.status == store::k_status_complete ? "complete" : "partial";
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
std::vector<fs::path> draw(const fs::path& run_dir, const experiment::Config& config, bool quick) {
  report::PlotOptions options;
  // A --quick run stops before a network can be judged a bad fit: draw every repetition.
  if (quick) options.min_train_accuracy = 0.0;
  options.figures = {report::Figure::plane, report::Figure::mi, report::Figure::accuracy};
  if (config.network.activation == "relu" && config.data.dataset == "szt") {
    options.figures.push_back(report::Figure::range);
  }
  std::vector<fs::path> images = report::plot_run(run_dir, options).figures;
  const std::vector<std::string> estimators = config.estimator_names();
  if (estimators.size() > 1) {
    std::vector<report::ComparePanel> panels;
    for (const std::string& e : estimators) panels.push_back({run_dir, e, e});
    report::PlotOptions compare;
    compare.min_train_accuracy = options.min_train_accuracy;
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
    const std::string state = match_state(out / e->name, config);
    fmt::print("{:<26} {:<16} {:>13} {:>10.1f} {:>11}  {}\n", e->name, figures.empty() ? "-" : figures,
               fmt::format("{} x {}", config.experiment.repetitions, config.total_epochs()), per_rep,
               experiment::format_duration(projected),
               state.empty() ? "not run" : state == "other" ? "another config" : state);
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
  input.command = "infoplane reproduce";
  input.runs_dir = out.generic_string();
  for (const std::string& e : options.experiments) input.command += " " + e;
  if (options.quick) input.command += " --quick";
  if (!options.out.empty()) input.command += " --out " + options.out;
  if (options.report_only) input.command += " --report-only";
  input.machine = fmt::format("{} cores, infoplane {} ({})", std::thread::hardware_concurrency(), k_version,
                              k_git_commit);
  // Run the chosen experiments: a finished full-size run is always kept; else the run of
  // this mode (full or --quick) is kept, resumed or started.
  std::vector<std::string> failures;
  for (const experiment::SuiteExperiment* e : chosen) {
    const fs::path run_dir = out / e->name;
    try {
      const experiment::Config config = experiment::suite_config(*e, experiments_dir, options.quick);
      const experiment::Config other_size = experiment::suite_config(*e, experiments_dir, !options.quick);
      std::string difference;
      const std::string state = match_state(run_dir, config, &difference);
      const std::string other_state = match_state(run_dir, other_size);
      const std::string& full_state = options.quick ? other_state : state;
      if (full_state == "complete" || state == "complete") {
        fmt::print(stderr, "infoplane: {}: finished before, kept ({})\n", e->name, run_dir.string());
        continue;
      }
      if (options.report_only) continue;
      if (state == "other" && other_state == "complete") {  // a --quick run (a full one is kept above)
        input_error("{}: holds a finished --quick run; for the full size choose another --out or remove it",
                    run_dir.string());
      }
      if (state == "other") {
        input_error("{}: holds a run of another config ({}); choose another --out or remove it", run_dir.string(),
                    difference);
      }
      fmt::print(stderr, "infoplane: {}: {} ({})\n", e->name, state.empty() ? "running" : "resuming",
                 run_dir.string());
      RunOptions run;
      run.config = (experiments_dir / (e->name + ".toml")).string();
      run.out = run_dir.string();
      run.resume = !state.empty();
      run.no_plot = true;
      experiment::Config threaded = config;
      if (options.threads > 0) threaded.experiment.threads = options.threads;
      const experiment::StudyResult result = run_config(threaded, run);
      if (result.n_ok == 0) {
        failures.push_back(fmt::format("{}: every repetition failed", e->name));
        fmt::print(stderr, "infoplane: error: {}: every repetition failed (status 'failed')\n", e->name);
      }
    } catch (const InputError& err) {
      failures.push_back(fmt::format("{}: {}", e->name, err.what()));
      fmt::print(stderr, "infoplane: error: {}: {}\n", e->name, err.what());
    }
  }

  // The report covers every experiment of the suite with a finished run in the folder:
  // the full-size one, else the --quick one.
  std::map<std::string, report::RunRef, std::less<>> finished;
  for (const experiment::SuiteExperiment& e : experiment::paper_suite()) {
    const fs::path run_dir = out / e.name;
    report::ReportEntry entry;  // every field not set here keeps its default (kMissing for times)
    entry.name = e.name;
    entry.title = e.title;
    entry.group = e.group;
    entry.figures = e.figures;
    entry.status = "not run";
    try {
      const experiment::Config full = experiment::suite_config(e, experiments_dir, false);
      const experiment::Config quick = experiment::suite_config(e, experiments_dir, true);
      entry.paper_repetitions = full.experiment.repetitions;
      entry.paper_epochs = full.training.epochs;
      const std::string full_state = match_state(run_dir, full), quick_state = match_state(run_dir, quick);
      const bool is_full = full_state == "complete";
      if (is_full || quick_state == "complete") {
        const experiment::Config& config = is_full ? full : quick;
        entry.status = is_full ? "complete" : "complete (quick)";
        entry.quick = !is_full;
        entry.repetitions = config.experiment.repetitions;
        entry.epochs = config.training.epochs;
        entry.prefit_epochs = config.training.prefit_epochs;
        if (entry.quick) {
          entry.projected_full_seconds = experiment::projected_seconds(
              full, experiment::probe_seconds_per_repetition(full), options.threads);
        }
        for (const fs::path& image : draw(run_dir, config, entry.quick)) {
          fs::path shown = fs::relative(image, out);
          if (report_dir != out) copy_into(image, report_dir / shown);
          entry.images.emplace_back(shown, caption_of(image));
        }
        finished.emplace(e.name, report::RunRef(run_dir, entry.quick));
      } else if (full_state == "partial" || quick_state == "partial") {
        entry.status = "unfinished (continue with the same command)";
      }
    } catch (const InputError& err) {
      entry.status = fmt::format("failed: {}", err.what());
    }
    input.entries.push_back(std::move(entry));
  }

  report::PhaseOptions phase_options;
  report::RunEvidence evidence(
      [&](std::string_view name) -> std::optional<report::RunRef> {
        const auto it = finished.find(name);
        return it == finished.end() ? std::nullopt : std::optional<report::RunRef>(it->second);
      },
      phase_options);
  for (const report::ReportEntry& e : input.entries) {
    const report::RunEvidence::Run* run = evidence.get(e.name);
    if (run == nullptr) continue;
    const fs::path csv = out / e.name / "summary" / "phases.csv";
    store::write_file_atomic(csv, report::phases_csv(run->phases));
    if (report_dir != out) copy_into(csv, report_dir / e.name / "summary" / "phases.csv");
  }
  const std::vector<report::Verdict> verdicts = report::paper_verdicts(evidence);
  const fs::path report_path = report_dir / "report.md";
  store::write_file_atomic(report_path, report::paper_report_markdown(input, evidence, verdicts));

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
      ->check(whole_number(0));
  cmd->add_flag("--list", options->list,
                "List the experiments with their sizes and projected times (measured now) and stop");
  cmd->add_flag("--report-only", options->report_only,
                "Run nothing: draw and report what the --out folder already holds");
  cmd->callback([options] { reproduce(*options); });
}

}  // namespace infoplane::cli
