/// @brief `infoplane mi`: exact H(T) and I(T;Y) of a user's discrete codes and labels.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "infoplane/common.h"
#include "infoplane/data/csv.h"
#include "infoplane/info/entropy.h"

namespace infoplane::cli {

namespace {

struct MiOptions {
  std::string codes_path;
  std::string labels_path;
  bool json = false;
};

void run_mi(const MiOptions& options) {
  const data::CodeTable table = data::read_code_csv(options.codes_path);
  std::vector<std::uint32_t> labels;
  std::size_t n_classes = 0;
  const bool has_labels = !options.labels_path.empty();
  if (has_labels) {
    const std::vector<std::int64_t> raw = data::read_label_file(options.labels_path);
    if (raw.size() != table.n_rows) {
      input_error("{}: {} labels for the {} rows of {}; expected one label per row",
                  options.labels_path, raw.size(), table.n_rows, options.codes_path);
    }
    n_classes = data::remap_labels(raw, labels);
  }

  info::StateCounter counter;
  std::vector<std::uint32_t> ids(table.n_rows);
  const std::size_t n_states = counter.assign(table.view(), ids, table.max_code);
  std::vector<std::uint32_t> scratch;
  const info::DiscreteInfo result = info::info_from_ids(ids, n_states, labels, n_classes, scratch);

  if (options.json) {
    nlohmann::json out;
    out["n"] = result.n;
    out["states"] = result.n_states;
    out["h_t"] = result.h_t;
    if (has_labels) {
      out["h_y"] = result.h_y;
      out["i_ty"] = result.i_ty;
    }
    fmt::print("{}\n", out.dump());
    return;
  }
  fmt::print("samples   {}\n", result.n);
  fmt::print("states    {}\n", result.n_states);
  fmt::print("H(T)      {:.7f} bits\n", result.h_t);
  if (has_labels) {
    fmt::print("classes   {}\n", n_classes);
    fmt::print("H(Y)      {:.7f} bits\n", result.h_y);
    fmt::print("I(T;Y)    {:.7f} bits\n", result.i_ty);
  }
}

}  // namespace

void add_mi_command(CLI::App& app) {
  auto options = std::make_shared<MiOptions>();
  CLI::App* mi = app.add_subcommand(
      "mi", "Exact entropy H(T) and mutual information I(T;Y), in bits, of discrete codes");
  mi->add_option("--codes", options->codes_path,
                 "CSV of integer codes: one sample per line, comma-separated, equal widths")
      ->required();
  mi->add_option("--labels", options->labels_path,
                 "Labels: one integer per line, one line per row of --codes");
  mi->add_flag("--json", options->json,
               "Print one JSON object with n, states, h_t (and h_y, i_ty with --labels)");
  mi->callback([options] { run_mi(*options); });
}

}  // namespace infoplane::cli
