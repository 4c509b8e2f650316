/// @brief Verdicts on the paper's findings from the suite's runs.
#include "infoplane/report/verdicts.h"
#include "infoplane/store/layout.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "infoplane/common.h"
#include "infoplane/report/aggregate.h"
#include "infoplane/report/compare.h"

namespace infoplane::report {

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::reproduced: return "reproduced";
    case Outcome::not_reproduced: return "not reproduced";
    case Outcome::inconclusive: return "inconclusive";
    case Outcome::not_run: return "not run";
  }
  return "?";
}

RunEvidence::RunEvidence(RunLookup lookup, PhaseOptions options)
    : m_lookup(std::move(lookup)), m_options(options) {}

const RunEvidence::Run* RunEvidence::get(std::string_view experiment) {
  auto it = m_runs.find(experiment);
  if (it == m_runs.end()) {
    std::optional<Run> run;
    if (const auto ref = m_lookup(experiment)) {
      run.emplace();
      run->dir = ref->dir;
      run->quick = ref->quick;
      // A scaled-down run stops before a network can be judged a bad fit: keep all.
      run->mi = read_run_mi(ref->dir, ref->quick ? 0.0 : m_options.min_train_accuracy, "reproduce");
      for (const MiSeries& s : run->mi.mi)
        run->phases.push_back({s.estimator, detect_phases(run->mi.info, s, run->mi.selection.kept, m_options)});
      const std::string exact = reference_estimator(run->mi, CompareOptions{});
      for (std::size_t i = 0; i < run->mi.mi.size(); ++i)
        if (run->mi.mi[i].estimator == exact) run->exact = i;
      std::vector<double> walls;
      for (const RepetitionInfo& r : run->mi.info.repetitions) walls.push_back(r.wall_seconds);
      run->wall_seconds_per_repetition = moments(walls).mean;
    }
    it = m_runs.emplace(std::string(experiment), std::move(run)).first;
  }
  return it->second ? &*it->second : nullptr;
}

std::vector<const RepetitionInfo*> RunEvidence::Run::kept_repetitions() const {
  std::vector<const RepetitionInfo*> out;
  const std::vector<int>& kept = mi.selection.kept;
  for (const RepetitionInfo& r : mi.info.repetitions)
    if (std::find(kept.begin(), kept.end(), r.index) != kept.end()) out.push_back(&r);
  return out;
}

namespace {

enum class Check { pass, fail, unclear };

/// A hidden layer can show fitting when its I(T;Y) starts this far below H(Y): twice the
/// smallest phase size of the default options.
constexpr double k_fitting_room = 0.1;

/// Collects the checks and sentences of one verdict.
struct Checks {
  std::vector<Check> results;
  std::vector<std::string> sentences;
  bool missing = false;
  bool quick = false;  ///< a run is scaled down

  void add(Check c, std::string sentence) {
    results.push_back(c);
    sentences.push_back(std::move(sentence));
  }
  void add(bool ok, std::string sentence) { add(ok ? Check::pass : Check::fail, std::move(sentence)); }

  Outcome outcome() const {
    if (missing) return Outcome::not_run;
    if (std::find(results.begin(), results.end(), Check::fail) != results.end())
      return quick ? Outcome::inconclusive : Outcome::not_reproduced;
    if (std::find(results.begin(), results.end(), Check::unclear) != results.end()) return Outcome::inconclusive;
    return results.empty() ? Outcome::not_run : Outcome::reproduced;
  }
  std::string text() const {
    std::string out;
    for (const std::string& s : sentences)
      if (!s.empty()) out += (out.empty() ? "" : " ") + s;
    return out;
  }
};


/// The estimator with this bin count ("binning:30" or "binning:30,bounds=..."), if any.
std::optional<std::size_t> binning_index(const RunEvidence::Run& run, int bins) {
  const std::string prefix = fmt::format("binning:{}", bins);
  for (std::size_t i = 0; i < run.mi.mi.size(); ++i) {
    const std::string& e = run.mi.mi[i].estimator;
    if (e == prefix || e.starts_with(prefix + ",")) return i;
  }
  return std::nullopt;
}

const std::vector<LayerPhases>& exact_phases(const RunEvidence::Run& run) {
  return run.phases[run.exact].layers;
}

bool is_output(const RunEvidence::Run& run, int layer) {
  const LayerInfo* li = run.mi.info.layer(layer);
  return li != nullptr ? li->name == "output" : layer == run.mi.info.layers.back().index;
}

std::vector<const LayerPhases*> hidden_layers(const RunEvidence::Run& run) {
  std::vector<const LayerPhases*> out;
  for (const LayerPhases& lp : exact_phases(run))
    if (!is_output(run, lp.layer)) out.push_back(&lp);
  return out;
}

const LayerPhases* output_layer(const RunEvidence::Run& run) {
  for (const LayerPhases& lp : exact_phases(run))
    if (is_output(run, lp.layer)) return &lp;
  return nullptr;
}

Check phase_check(const PhaseResult& p, const PhaseOptions& options) {
  if (p.detected) return Check::pass;
  const bool near = std::isfinite(p.size) && p.size >= options.min_size && std::isfinite(p.p_value) &&
                    p.p_value <= 4 * options.alpha;
  return near ? Check::unclear : Check::fail;
}

/// The opposite check: the phase must be absent.
Check absent_check(const PhaseResult& p, const PhaseOptions& options) {
  switch (phase_check(p, options)) {
    case Check::pass: return Check::fail;
    case Check::fail: return Check::pass;
    case Check::unclear: return Check::unclear;
  }
  return Check::unclear;
}

std::string describe(const PhaseResult& p) {
  if (!p.has_data()) return "no data";
  std::string s = fmt::format("{:.2f} bits", p.size);
  if (std::isfinite(p.ci_low)) s += fmt::format(" [95% CI {:.2f}, {:.2f}]", p.ci_low, p.ci_high);
  if (std::isfinite(p.p_value)) s += fmt::format(", p = {:.3f}", p.p_value);
  s += fmt::format(", epochs {}-{}", p.onset_epoch, p.end_epoch);
  return s + (p.detected ? ", detected" : ", not detected");
}

std::string runs_note(const RunEvidence::Run& run) {
  const auto& sel = run.mi.selection;
  const MiSeries& s = run.mi.mi[run.exact];
  return fmt::format("{} of {} repetitions, {} epochs", sel.kept.size(), sel.n_total(),
                     s.epochs.empty() ? 0 : s.epochs.back());
}

/// The mean over kept repetitions of one layer's values at one epoch position.
double mean_at(const RunEvidence::Run& run, std::size_t estimator, int layer, std::size_t epoch_pos, bool xt) {
  const MiSeries& s = run.mi.mi[estimator];
  const auto l = std::find(s.layers.begin(), s.layers.end(), layer);
  if (l == s.layers.end() || epoch_pos >= s.epochs.size()) return kMissing;
  const auto li = static_cast<std::size_t>(l - s.layers.begin());
  std::vector<double> values;
  for (const int rep : run.mi.selection.kept) {
    const auto r = std::find(s.repetitions.begin(), s.repetitions.end(), rep);
    if (r == s.repetitions.end()) continue;
    const std::size_t at = s.at(static_cast<std::size_t>(r - s.repetitions.begin()), li, epoch_pos);
    values.push_back(xt ? s.i_xt[at] : s.i_ty[at]);
  }
  return moments(values).mean;
}

double final_mean(const RunEvidence::Run& run, std::size_t estimator, int layer, bool xt) {
  const MiSeries& s = run.mi.mi[estimator];
  return s.epochs.empty() ? kMissing : mean_at(run, estimator, layer, s.epochs.size() - 1, xt);
}

/// Mean final test accuracy over the kept repetitions.
double final_test_accuracy(const RunEvidence::Run& run) {
  std::vector<double> values;
  for (const RepetitionInfo* r : run.kept_repetitions()) values.push_back(r->final_test_accuracy);
  return moments(values).mean;
}

/// Layers whose final mean I(X;T) is below H(X) by more than 0.01 bits: the ones an
/// information plane can tell apart from the input.
int distinguishable_layers(const RunEvidence::Run& run) {
  int n = 0;
  for (const LayerPhases& lp : exact_phases(run))
    n += final_mean(run, run.exact, lp.layer, true) < run.mi.info.h_x - 0.01 ? 1 : 0;
  return n;
}

struct Finding {
  int number;
  std::string claim;
  std::string rule;
};

Verdict make_verdict(const Finding& f, std::string variant, std::vector<std::string> experiments, const Checks& c) {
  Verdict v;
  v.finding = f.number;
  v.claim = f.claim;
  v.rule = f.rule;
  v.variant = std::move(variant);
  v.experiments = std::move(experiments);
  v.outcome = c.outcome();
  v.quick = c.quick && !c.missing;
  v.evidence = c.missing ? "" : c.text();
  const bool failed = std::find(c.results.begin(), c.results.end(), Check::fail) != c.results.end();
  if (v.quick) {
    v.evidence += failed ? " (Rests on --quick runs: a failing check there is not evidence against the paper.)"
                         : " (Rests on --quick runs.)";
  }
  return v;
}

/// Runs of the named experiments, or nullptr entries (and checks.missing) where absent.
std::vector<const RunEvidence::Run*> runs_of(RunEvidence& ev, const std::vector<std::string>& names, Checks& checks) {
  std::vector<const RunEvidence::Run*> runs;
  for (const std::string& n : names) {
    runs.push_back(ev.get(n));
    if (runs.back() == nullptr) checks.missing = true;
    else checks.quick |= runs.back()->quick;
  }
  return runs;
}

/// The hidden layers' activation of a run, as its manifest records it.
const std::string& activation_of(const RunEvidence::Run& run) { return run.mi.info.activation; }

/// Finding 1: the output layers of both SZT networks fit and compress.
Verdict output_phases(RunEvidence& ev, const std::vector<std::string>& names, const std::string& variant) {
  const PhaseOptions& opt = ev.options();
  const Finding f1{1, "Fitting and compression phases both occur in the softmax output layer (tanh and relu).",
                   "In each network the output layer's fitting (rise of I(T;Y)) and compression (drop of I(X;T) "
                   "after its maximum) are detected."};
  Checks c;
  const auto runs = runs_of(ev, names, c);
  for (std::size_t i = 0; i < runs.size() && !c.missing; ++i) {
    const LayerPhases* o = output_layer(*runs[i]);
    if (o == nullptr) continue;
    c.add(phase_check(o->fitting, opt),
          fmt::format("{} output: fitting {};", activation_of(*runs[i]), describe(o->fitting)));
    c.add(phase_check(o->compression, opt),
          fmt::format("compression {} ({}).", describe(o->compression), runs_note(*runs[i])));
  }
  return make_verdict(f1, variant, names, c);
}

/// Finding 2: the hidden layers with room to fit do.
Verdict hidden_fitting(RunEvidence& ev, const std::vector<std::string>& names, const std::string& variant) {
  const PhaseOptions& opt = ev.options();
  const Finding f2{2, "Fitting phase in the hidden layers, for tanh and relu.",
                   "Fitting is detected in every hidden layer with room to fit: mean I(T;Y) at the first epoch "
                   "more than 0.1 bits (twice the smallest phase) below H(Y); and there is at least one such layer."};
  Checks c;
  const auto runs = runs_of(ev, names, c);
  for (std::size_t i = 0; i < runs.size() && !c.missing; ++i) {
    std::string fitted, saturated;
    int candidates = 0;
    for (const LayerPhases* lp : hidden_layers(*runs[i])) {
      const double first_ty = mean_at(*runs[i], runs[i]->exact, lp->layer, 0, false);
      if (first_ty >= runs[i]->mi.info.h_y - k_fitting_room) {
        saturated += fmt::format("{}{} ({:.3f})", saturated.empty() ? "" : ", ", lp->name, first_ty);
        continue;
      }
      ++candidates;
      c.add(phase_check(lp->fitting, opt), "");
      fitted += fmt::format("{}{} {}", fitted.empty() ? "" : "; ", lp->name, describe(lp->fitting));
    }
    if (candidates == 0) c.add(Check::fail, "");
    c.sentences.back() = fmt::format("{}: fitting in {}{}.", activation_of(*runs[i]),
                                     fitted.empty() ? "no layer with room to fit" : fitted,
                                     saturated.empty() ? "" : fmt::format("; within {} bits of H(Y) = {:.3f} "
                                                                          "at the first epoch: {}",
                                                                          k_fitting_room, runs[i]->mi.info.h_y,
                                                                          saturated));
  }
  return make_verdict(f2, variant, names, c);
}

/// Finding 3: of tanh's hidden layers only the last compresses.
Verdict tanh_last_hidden_compression(RunEvidence& ev, const std::vector<std::string>& names,
                                     const std::string& variant) {
  const PhaseOptions& opt = ev.options();
  const Finding f3{3, "tanh: compression only in the last hidden layer; the other hidden layers stay almost constant.",
                   "Compression is detected in the last hidden layer and in no other hidden layer."};
  Checks c;
  const auto runs = runs_of(ev, names, c);
  if (!c.missing) {
    const auto hidden = hidden_layers(*runs[0]);
    std::string text;
    for (std::size_t k = 0; k < hidden.size(); ++k) {
      const bool last = k + 1 == hidden.size();
      const PhaseResult& p = hidden[k]->compression;
      c.add(last ? phase_check(p, opt) : absent_check(p, opt), "");
      text += fmt::format("{}{}: {}", text.empty() ? "" : "; ", hidden[k]->name, describe(p));
    }
    if (!hidden.empty()) c.sentences.back() = "tanh compression per hidden layer: " + text + ".";
  }
  return make_verdict(f3, variant, names, c);
}

/// Finding 4: no relu hidden layer compresses.
Verdict relu_no_hidden_compression(RunEvidence& ev, const std::vector<std::string>& names, const std::string& variant) {
  const PhaseOptions& opt = ev.options();
  const Finding f4{4, "relu: no compression in the hidden layers.",
                   "Compression is detected in no hidden layer."};
  Checks c;
  const auto runs = runs_of(ev, names, c);
  if (!c.missing) {
    std::string text;
    for (const LayerPhases* lp : hidden_layers(*runs[0])) {
      c.add(absent_check(lp->compression, opt), "");
      text += fmt::format("{}{}: {}", text.empty() ? "" : "; ", lp->name, describe(lp->compression));
    }
    if (!c.sentences.empty()) c.sentences.back() = "relu compression per hidden layer: " + text + ".";
  }
  return make_verdict(f4, variant, names, c);
}

/// Finding 5: the wide MNIST networks' hidden layers stay at H(X).
Verdict trivial_wide_planes(RunEvidence& ev) {
  const Finding f5{5, "MNIST 4x10 and Conv are too expressive: trivial information planes (maximal, constant) "
                      "except the output layer.",
                   "Every hidden layer's mean I(X;T) stays within 0.1 bits of H(X) = log2(70000) at every "
                   "recorded epoch."};
  const std::vector<std::string> names{"mnist-4x10-8bit", "mnist-conv-8bit"};
  Checks c;
  const auto runs = runs_of(ev, names, c);
  for (std::size_t i = 0; i < runs.size() && !c.missing; ++i) {
    const RunEvidence::Run& run = *runs[i];
    double lowest = kMissing;
    std::string lowest_layer;
    for (const LayerPhases* lp : hidden_layers(run)) {
      const MiSeries& s = run.mi.mi[run.exact];
      for (std::size_t e = 0; e < s.epochs.size(); ++e) {
        const double v = mean_at(run, run.exact, lp->layer, e, true);
        if (std::isfinite(v) && !(v >= lowest)) {
          lowest = v;
          lowest_layer = lp->name;
        }
      }
    }
    c.add(lowest >= run.mi.info.h_x - 0.1,
          fmt::format("{}: lowest mean hidden-layer I(X;T) {:.3f} bits ({}) vs H(X) = {:.3f} ({}).", names[i],
                      lowest, lowest_layer, run.mi.info.h_x, runs_note(run)));
  }
  return make_verdict(f5, "", names, c);
}

/// Finding 6: Bottleneck-2 fits, compresses a little and reaches about 90%.
Verdict bottleneck2(RunEvidence& ev) {
  const PhaseOptions& opt = ev.options();
  const Finding f6{6, "MNIST Bottleneck-2: fitting in the output and the last three hidden layers, small "
                      "compression in the relu layers around epoch 1500, accuracy about 90%.",
                   "Fitting is detected in the output layer and the last three hidden layers; compression is "
                   "detected in at least one relu hidden layer; the mean final test accuracy is in [0.85, 0.95]."};
  Checks c;
  const auto runs = runs_of(ev, {"mnist-bottleneck2-8bit"}, c);
  if (!c.missing) {
    const RunEvidence::Run& run = *runs[0];
    const auto hidden = hidden_layers(run);
    std::string fit;
    std::vector<const LayerPhases*> fit_layers(hidden.end() - std::min<std::ptrdiff_t>(3, std::ssize(hidden)),
                                               hidden.end());
    if (const LayerPhases* o = output_layer(run)) fit_layers.push_back(o);
    for (const LayerPhases* lp : fit_layers) {
      c.add(phase_check(lp->fitting, opt), "");
      fit += fmt::format("{}{} {}", fit.empty() ? "" : "; ", lp->name, describe(lp->fitting));
    }
    c.sentences.back() = "Fitting: " + fit + ".";
    std::string comp;
    bool any = false;
    for (const LayerPhases* lp : hidden) {
      any |= lp->compression.detected;
      if (lp->compression.detected)
        comp += fmt::format("{}{} {}", comp.empty() ? "" : "; ", lp->name, describe(lp->compression));
    }
    c.add(any, "Compression in hidden layers: " + (any ? comp : std::string("none detected")) + ".");
    const double acc = final_test_accuracy(run);
    c.add(acc >= 0.85 && acc <= 0.95, fmt::format("Final test accuracy {:.3f} ({}).", acc, runs_note(run)));
  }
  return make_verdict(f6, "", {"mnist-bottleneck2-8bit"}, c);
}

/// Finding 7: 4 bits tell more layers apart at a small cost in accuracy; 32 bits stay near H(X).
Verdict bit_widths(RunEvidence& ev) {
  const Finding f7{7, "4 bits: more layers distinguishable and slightly lower accuracy; 32 bits: MI near maximal.",
                   "tanh at 4 bits has more layers with final I(X;T) below H(X) - 0.01 than at 8 bits; at 4 bits the "
                   "mean final test accuracy is below that at 8 bits for tanh and relu; in the 32-bit (float) "
                   "networks every hidden layer's final I(X;T) is within 0.5 bits of H(X)."};
  const std::vector<std::string> names{"szt-tanh-4bit", "szt-tanh-8bit", "szt-relu-4bit", "szt-relu-8bit",
                                       "szt-tanh-float-binning", "szt-relu-float-binning"};
  Checks c;
  const auto runs = runs_of(ev, names, c);
  if (!c.missing) {
    const int d4 = distinguishable_layers(*runs[0]), d8 = distinguishable_layers(*runs[1]);
    c.add(d4 > d8, fmt::format("tanh: {} distinguishable layers at 4 bits, {} at 8 bits.", d4, d8));
    for (std::size_t i : {0U, 2U}) {
      const double a4 = final_test_accuracy(*runs[i]), a8 = final_test_accuracy(*runs[i + 1]);
      c.add(a4 < a8, fmt::format("{} test accuracy {:.3f} at 4 bits vs {:.3f} at 8 bits.", activation_of(*runs[i]), a4, a8));
    }
    for (std::size_t i : {4U, 5U}) {
      const RunEvidence::Run& run = *runs[i];
      double lowest = kMissing;
      for (const LayerPhases* lp : hidden_layers(run))
        lowest = std::fmin(lowest, final_mean(run, run.exact, lp->layer, true));
      c.add(lowest >= run.mi.info.h_x - 0.5,
            fmt::format("{} 32-bit: lowest final hidden-layer I(X;T) {:.3f} bits of {:.0f}.", activation_of(*runs[i]),
                        lowest, run.mi.info.h_x));
    }
  }
  return make_verdict(f7, "", names, c);
}

/// Finding 8: binning grows with the bins and breaks the DPI for relu at 30 bins.
Verdict binning_artifacts(RunEvidence& ev) {
  const Finding f8{8, "Binning: the estimated MI grows with the number of bins; relu with 30 bins breaks the "
                      "data-processing inequality.",
                   "In both float networks every hidden layer's mean final I(X;T) is non-decreasing over 30, 100 "
                   "and 256 bins; in the relu network the 30-bin estimate has I(X;T) of a layer above the layer before it "
                   "in some (repetition, epoch) pairs."};
  const std::vector<std::string> names{"szt-tanh-float-binning", "szt-relu-float-binning"};
  Checks c;
  const auto runs = runs_of(ev, names, c);
  for (std::size_t i = 0; i < runs.size() && !c.missing; ++i) {
    const RunEvidence::Run& run = *runs[i];
    const auto b30 = binning_index(run, 30), b100 = binning_index(run, 100), b256 = binning_index(run, 256);
    if (!b30 || !b100 || !b256) {
      c.add(Check::unclear, fmt::format("{}: the run lacks 30/100/256-bin estimates.", names[i]));
      continue;
    }
    bool grows = true;
    double m30 = 0, m100 = 0, m256 = 0;
    const auto hidden = hidden_layers(run);
    for (const LayerPhases* lp : hidden) {
      const double v30 = final_mean(run, *b30, lp->layer, true), v100 = final_mean(run, *b100, lp->layer, true),
                   v256 = final_mean(run, *b256, lp->layer, true);
      grows &= v30 <= v100 + 1e-9 && v100 <= v256 + 1e-9;
      m30 += v30 / static_cast<double>(hidden.size());
      m100 += v100 / static_cast<double>(hidden.size());
      m256 += v256 / static_cast<double>(hidden.size());
    }
    c.add(grows, fmt::format("{}: mean final hidden-layer I(X;T) {:.2f} / {:.2f} / {:.2f} bits with 30 / 100 / 256 "
                             "bins.", activation_of(*runs[i]), m30, m100, m256));
    if (activation_of(*runs[i]) == "relu") {
      CompareOptions co;
      co.phases = ev.options();
      double share = 0, excess = 0;
      for (const LayerError& e : compare_estimators(run.mi, co)) {
        if (e.estimator != run.mi.mi[*b30].estimator || !std::isfinite(e.dpi_xt_share)) continue;
        share = std::max(share, e.dpi_xt_share);
        excess = std::fmax(excess, e.dpi_xt_excess);
      }
      c.add(share > 0, fmt::format("relu, 30 bins: DPI of I(X;T) broken in up to {:.1f}% of (repetition, epoch) "
                                   "pairs of a layer, by up to {:.2f} bits.", 100 * share, excess));
    }
  }
  return make_verdict(f8, "", names, c);
}

/// Finding 9: far faster than the reference code.
Verdict speed(RunEvidence& ev) {
  const Finding f9{9, "Speed: one SZT repetition takes minutes with the reference code; one Conv MNIST repetition "
                      "more than 12 hours.",
                   "infoplane: one SZT 8000-epoch repetition in under a minute, and one 3000-epoch Conv "
                   "repetition (projected from the run) in under 12 hours."};
  const std::vector<std::string> names{"szt-tanh-8bit", "mnist-conv-8bit"};
  Checks c;
  const auto runs = runs_of(ev, names, c);
  if (!c.missing) {
    const auto per_epoch = [&](const RunEvidence::Run& run) {
      const MiSeries& s = run.mi.mi[run.exact];
      return run.wall_seconds_per_repetition / std::max(1, s.epochs.empty() ? 1 : s.epochs.back());
    };
    const double szt = per_epoch(*runs[0]) * 8000, conv = per_epoch(*runs[1]) * 3000;
    c.add(szt < 60, fmt::format("SZT: {:.1f} s per 8000-epoch repetition (one core, exact MI every epoch).", szt));
    c.add(conv < 12 * 3600.0, fmt::format("Conv: {:.1f} h per 3000-epoch repetition, projected.", conv / 3600));
  }
  return make_verdict(f9, "", names, c);
}

}  // namespace

std::vector<Verdict> paper_verdicts(RunEvidence& ev) {
  std::vector<Verdict> out;
  for (const auto& [suffix, variant] : {std::pair<std::string, std::string>{"", ""},
                                        {"-reference", "reference code's range rules"}}) {
    const std::vector<std::string> names{"szt-tanh-8bit" + suffix, "szt-relu-8bit" + suffix};
    out.push_back(output_phases(ev, names, variant));
    out.push_back(hidden_fitting(ev, names, variant));
    out.push_back(tanh_last_hidden_compression(ev, {names[0]}, variant));
    out.push_back(relu_no_hidden_compression(ev, {names[1]}, variant));
  }
  for (const auto finding : {trivial_wide_planes, bottleneck2, bit_widths, binning_artifacts, speed}) {
    out.push_back(finding(ev));
  }
  return out;
}

std::vector<RangeLink> range_links(const RunEvidence::Run& run) {
  std::vector<RangeLink> out;
  if (!std::filesystem::exists(run.dir / store::k_range_file)) return out;
  const RangeSeries ranges = read_ranges(run.dir);
  const RangeSummary rs = summarize_ranges(ranges, run.mi.selection.kept);
  const std::size_t ex = run.exact;
  const MiSeries& s = run.mi.mi[ex];
  for (const LayerPhases* lp : hidden_layers(run)) {
    const auto rl = std::find(rs.layers.begin(), rs.layers.end(), lp->layer);
    if (rl == rs.layers.end()) continue;
    const auto rli = static_cast<std::size_t>(rl - rs.layers.begin());
    // Mean I(X;T) and mean range width at the MI's epochs.
    std::vector<double> xt, width;
    std::vector<int> epochs;
    for (std::size_t e = 0; e < s.epochs.size(); ++e) {
      const auto re = std::lower_bound(rs.epochs.begin(), rs.epochs.end(), s.epochs[e]);
      if (re == rs.epochs.end() || *re != s.epochs[e]) continue;
      const std::size_t at = rs.at(rli, static_cast<std::size_t>(re - rs.epochs.begin()));
      const double w = rs.max[at].mean - rs.min[at].mean;
      const double v = mean_at(run, ex, lp->layer, e, true);
      if (!std::isfinite(w) || !std::isfinite(v)) continue;
      xt.push_back(v);
      width.push_back(w);
      epochs.push_back(s.epochs[e]);
    }
    if (xt.empty()) continue;
    const std::size_t peak = static_cast<std::size_t>(std::max_element(xt.begin(), xt.end()) - xt.begin());
    RangeLink link;
    link.layer = lp->layer;
    link.name = lp->name;
    link.peak_epoch = epochs[peak];
    link.peak_xt = xt[peak];
    link.final_xt = xt.back();
    link.peak_width = width[peak];
    link.final_width = width.back();
    const std::size_t n = xt.size() - peak;
    if (n >= 3) {
      double mx = 0, mw = 0;
      for (std::size_t i = peak; i < xt.size(); ++i) {
        mx += xt[i];
        mw += width[i];
      }
      mx /= static_cast<double>(n);
      mw /= static_cast<double>(n);
      double sxy = 0, sxx = 0, syy = 0;
      for (std::size_t i = peak; i < xt.size(); ++i) {
        sxy += (xt[i] - mx) * (width[i] - mw);
        sxx += (xt[i] - mx) * (xt[i] - mx);
        syy += (width[i] - mw) * (width[i] - mw);
      }
      // A curve constant up to rounding has no correlation.
      const double tiny = 1e-20 * static_cast<double>(n);
      link.correlation = sxx > tiny && syy > tiny ? sxy / std::sqrt(sxx * syy) : kMissing;
    }
    const auto li = static_cast<std::size_t>(std::find(s.layers.begin(), s.layers.end(), lp->layer) - s.layers.begin());
    std::vector<double> drops, peaks;
    for (const int rep : run.mi.selection.kept) {
      const auto r = std::find(s.repetitions.begin(), s.repetitions.end(), rep);
      if (r == s.repetitions.end()) continue;
      const auto ri = static_cast<std::size_t>(r - s.repetitions.begin());
      double best = kMissing, last = kMissing;
      int best_epoch = -1;
      for (std::size_t e = 0; e < s.epochs.size(); ++e) {
        const double v = s.i_xt[s.at(ri, li, e)];
        if (!std::isfinite(v)) continue;
        if (!(v <= best)) {
          best = v;
          best_epoch = s.epochs[e];
        }
        last = v;
      }
      if (best_epoch < 0) continue;
      drops.push_back(best - last);
      peaks.push_back(best_epoch);
    }
    link.repetition_drop = moments(drops).mean;
    if (!peaks.empty()) {
      std::sort(peaks.begin(), peaks.end());
      link.repetition_peak_epoch = peaks[(peaks.size() - 1) / 2];
    }
    out.push_back(std::move(link));
  }
  return out;
}

}  // namespace infoplane::report
