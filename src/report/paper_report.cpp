/// @brief report.md of `infoplane reproduce`.
#include "infoplane/report/paper_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "infoplane/experiment/suite.h"
#include "infoplane/report/aggregate.h"

namespace infoplane::report {

namespace {

std::string figures_text(const std::vector<std::string>& figures) {
  if (figures.empty()) return "not in the paper";
  std::string out = figures.size() == 1 ? "Fig. " : "Figs. ";
  for (std::size_t i = 0; i < figures.size(); ++i) out += (i ? ", " : "") + figures[i];
  return out;
}

std::string mean_ci(const Moments& m) {
  if (m.n == 0) return "–";
  if (!std::isfinite(m.ci95)) return fmt::format("{:.3f}", m.mean);
  return fmt::format("{:.3f} ± {:.3f}", m.mean, m.ci95);
}

std::string phase_cell(const PhaseResult& p) {
  if (!p.has_data()) return "–";
  std::string s = fmt::format("{:.2f} bits", p.size);
  if (std::isfinite(p.p_value)) s += fmt::format(", p {:.3f}", p.p_value);
  if (p.detected) s = fmt::format("**yes**: {}, epochs {}–{}", s, p.onset_epoch, p.end_epoch);
  else s = "no (" + s + ")";
  return s;
}

void verdict_section(std::string& md, const std::vector<Verdict>& verdicts) {
  md += "## Verdicts\n\n"
        "Each finding the paper reports, against our runs. Findings 1-4 are judged twice: with the "
        "quantizer range rule of the paper's text (min/max over the epoch; our default) and with the "
        "rules of the paper's reference code (moving-average ranges and k-bit weights for relu/softmax "
        "layers, batch ranges for tanh layers). The rule behind each verdict and its numbers follow "
        "the table; docs/reproduce.md explains the checks.\n\n"
        "| # | The paper reports | Paper's text (epoch rule) | Reference code's rules |\n"
        "|---|---|---|---|\n";
  for (int f = 1; f <= 9; ++f) {
    const Verdict* plain = nullptr;
    const Verdict* reference = nullptr;
    for (const Verdict& v : verdicts) {
      if (v.finding != f) continue;
      (v.variant.empty() ? plain : reference) = &v;
    }
    if (plain == nullptr) continue;
    const auto cell = [](const Verdict& v) {
      return fmt::format("**{}**{}", outcome_name(v.outcome), v.quick ? " (quick runs)" : "");
    };
    md += fmt::format("| {} | {} | {} | {} |\n", f, plain->claim, cell(*plain),
                      reference ? cell(*reference) : std::string("–"));
  }
  md += "\n### The numbers behind each verdict\n\n";
  for (const Verdict& v : verdicts) {
    std::string runs;
    for (const std::string& e : v.experiments) runs += (runs.empty() ? "" : ", ") + ("`" + e + "`");
    md += fmt::format("- **{}{}: {}.** Rule: {} Runs: {}.{}\n", v.finding,
                      v.variant.empty() ? "" : " (" + v.variant + ")", outcome_name(v.outcome), v.rule, runs,
                      v.evidence.empty() ? "" : " " + v.evidence);
  }
  md += "\n";
}

void range_rule_section(std::string& md, RunEvidence& evidence, const std::vector<Verdict>& verdicts) {
  md += "## Does the range rule change the findings?\n\n";
  std::string changed;
  for (const Verdict& v : verdicts) {
    if (v.variant.empty()) continue;
    for (const Verdict& p : verdicts)
      if (p.finding == v.finding && p.variant.empty() && p.outcome != v.outcome && p.outcome != Outcome::not_run &&
          v.outcome != Outcome::not_run)
        changed += fmt::format("- Finding {}: {} under the epoch rule, {} under the reference code's rules.\n",
                               v.finding, outcome_name(p.outcome), outcome_name(v.outcome));
  }
  md += changed.empty() ? "No verdict of findings 1-4 changes between the two rules (among those with runs "
                          "under both).\n\n"
                        : "These verdicts change with the rule:\n\n" + changed + "\n";

  md += "### relu hidden layers and the width of their quantization range\n\n"
        "Under the epoch rule a layer's 2^k levels span the min to the max of its activations over the "
        "epoch, so the step between levels grows with the range. When the largest activations grow "
        "faster than the bulk, the bulk shares fewer levels and inputs that were told apart merge: I(X;T) "
        "falls without any change in how the network orders its inputs. Under the reference code's rule "
        "the range of a relu layer is a moving average that starts at [-6, 6] and moves 0.1% per batch, so "
        "it narrows slowly from a coarse grid instead. The table gives, per hidden layer, the epoch of the "
        "largest mean I(X;T), the mean I(X;T) and mean range width (max - min of the layer's activations, "
        "averaged over repetitions) there and at the last epoch, and their correlation over the epochs "
        "after the maximum (a strongly negative value: the layer loses information as its range widens). The "
        "last column looks at each repetition alone: how far its I(X;T) ends below its own maximum, and when that "
        "maximum came. Repetitions that peak at different epochs and partly recover make a mean curve with a much "
        "smaller drop than the single repetitions show.\n\n";
  for (const char* name : {"szt-relu-8bit", "szt-relu-8bit-reference", "szt-tanh-8bit"}) {
    const RunEvidence::Run* run = evidence.get(name);
    if (run == nullptr) continue;
    const std::vector<RangeLink> links = range_links(*run);
    if (links.empty()) continue;
    md += fmt::format("`{}`:\n\n| layer | max of the mean I(X;T) at epoch | mean I(X;T) max → last | range width "
                      "there → last | correlation after the max | per repetition: drop from its own max (median "
                      "epoch of the max) |\n|---|---|---|---|---|---|\n",
                      name);
    for (const RangeLink& l : links)
      md += fmt::format("| {} | {} | {:.2f} → {:.2f} bits | {:.3g} → {:.3g} | {} | {:.2f} bits ({:.0f}) |\n", l.name,
                        l.peak_epoch, l.peak_xt, l.final_xt, l.peak_width, l.final_width,
                        std::isfinite(l.correlation) ? fmt::format("{:.2f}", l.correlation) : std::string("–"),
                        l.repetition_drop, l.repetition_peak_epoch);
    md += "\n";
  }
}

void accuracy_section(std::string& md, const ReportInput& input, RunEvidence& evidence) {
  md += "## Accuracy and run sizes\n\n"
        "Final accuracy of the kept repetitions (mean ± 95% confidence half-width; repetitions whose final "
        "training accuracy is below 0.55 are left out, as in the paper), restarts of bad fits, and the wall "
        "time per repetition (one repetition runs on one thread; longer when other work shares the cores).\n\n"
        "| experiment | paper | repetitions (kept / run) | epochs | train accuracy | test accuracy | restarts "
        "| s / repetition |\n|---|---|---|---|---|---|---|---|\n";
  for (const ReportEntry& e : input.entries) {
    const RunEvidence::Run* run = evidence.get(e.name);
    if (run == nullptr) {
      md += fmt::format("| `{}` | {} | {} | | | | | |\n", e.name, figures_text(e.figures), e.status);
      continue;
    }
    std::vector<double> train, test;
    int restarts = 0;
    for (const RepetitionInfo& r : run->mi.info.repetitions) restarts += r.restarts;
    for (const RepetitionInfo* r : run->kept_repetitions()) {
      train.push_back(r->final_train_accuracy);
      test.push_back(r->final_test_accuracy);
    }
    std::string epochs = e.prefit_epochs > 0 ? fmt::format("{} + {}", e.prefit_epochs, e.epochs)
                                             : fmt::format("{}", e.epochs);
    if (e.quick) epochs += " (quick)";
    md += fmt::format("| `{}` | {} | {} / {} | {} | {} | {} | {} | {:.1f} |\n", e.name, figures_text(e.figures),
                      run->mi.selection.kept.size(), run->mi.selection.n_total(), epochs, mean_ci(moments(train)),
                      mean_ci(moments(test)), restarts, run->wall_seconds_per_repetition);
  }
  md += "\n";
}

void experiment_section(std::string& md, const ReportEntry& e, RunEvidence& evidence) {
  md += fmt::format("#### `{}`: {} ({})\n\n", e.name, e.title, figures_text(e.figures));
  const std::string prefit = e.prefit_epochs > 0 ? fmt::format(" after {} prefit epochs", e.prefit_epochs) : "";
  const RunEvidence::Run* run = evidence.get(e.name);
  if (run == nullptr) {
    md += fmt::format("{} (the paper's size: {} x {} epochs).\n\n", e.status, e.paper_repetitions, e.paper_epochs);
    return;
  }
  md += fmt::format("{} repetitions x {} epochs{}", e.repetitions, e.epochs, prefit);
  if (e.quick)
    md += fmt::format(" (quick; the paper's size is {} x {}, projected {} on this machine)", e.paper_repetitions,
                      e.paper_epochs, experiment::format_duration(e.projected_full_seconds));
  md += fmt::format(". Status: {}.\n\n", e.status);
  for (const auto& [image, caption] : e.images)
    md += fmt::format("![{}]({})\n\n*{}*\n\n", image.stem().string(), image.generic_string(), caption);
  if (run->phases.empty()) return;
  const EstimatorPhases* phases = &run->phases[run->exact];
  md += fmt::format("Phases of the `{}` estimate (report/phases: detected when at least {} bits with bootstrap "
                    "p <= {}):\n\n| layer | fitting (I(T;Y) rises) | compression (I(X;T) falls after its max) |\n"
                    "|---|---|---|\n",
                    phases->estimator, evidence.options().min_size, evidence.options().alpha);
  for (const LayerPhases& lp : phases->layers)
    md += fmt::format("| {} | {} | {} |\n", lp.name, phase_cell(lp.fitting), phase_cell(lp.compression));
  md += "\n";
}

}  // namespace

std::string paper_report_markdown(const ReportInput& input, RunEvidence& evidence,
                                  const std::vector<Verdict>& verdicts) {
  std::string md = "# Information Bottleneck: Exact Analysis of (Quantized) Neural Networks, reproduced\n\n";
  md += fmt::format("The experiments of Lorenzen, Igel & Nielsen (ICLR 2022), run with infoplane. This report covers "
                    "every experiment with a finished run in `{}`; it was last written by `{}` on {}.\n\n",
                    input.runs_dir, input.command, input.machine);
  std::string quick;
  for (const ReportEntry& e : input.entries)
    if (e.quick) quick += (quick.empty() ? "`" : ", `") + e.name + "`";
  if (!quick.empty()) {
    md += "> **Quick runs:** " + quick + ". Their repetitions and epochs are scaled down (`--quick`, see each "
          "experiment) so that they run in minutes; verdicts resting on them may differ from full-size runs. "
          "Run without `--quick` for the paper's sizes.\n\n";
  }
  verdict_section(md, verdicts);
  range_rule_section(md, evidence, verdicts);
  accuracy_section(md, input, evidence);
  md += "## Experiments\n\n";
  std::string group;
  for (const ReportEntry& e : input.entries) {
    if (e.group != group) {
      group = e.group;
      md += group == "main"       ? "### The main text\n\n"
            : group == "appendix" ? "### The appendices\n\n"
                                  : "### Robustness (not in the paper)\n\n";
    }
    experiment_section(md, e, evidence);
  }
  return md;
}

}  // namespace infoplane::report
