/// @brief `infoplane verify RUN_DIR`: checksums and invariants of a run directory.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <fmt/core.h>

#include "commands.h"
#include "validators.h"
#include "infoplane/experiment/verify.h"

namespace infoplane::cli {

namespace {

struct VerifyOptions {
  std::string dir;
  double tolerance = 1e-8;
};

/// Prints the report; returns the exit code (0 = intact, 1 = violations).
int verify(const VerifyOptions& options) {
  const experiment::VerifyReport report = experiment::verify_run(options.dir, options.tolerance);
  for (const std::string& note : report.notes) fmt::print(stderr, "infoplane: note: {}\n", note);
  for (const experiment::Violation& v : report.violations) fmt::print("{}: {}\n", v.where, v.what);
  if (report.ok()) {
    fmt::print("{}: OK ({} checksums, {} rows checked)\n", options.dir, report.n_files, report.n_rows);
    return 0;
  }
  fmt::print("{}: {} violation{} ({} checksums, {} rows checked)\n", options.dir, report.violations.size(),
             report.violations.size() == 1 ? "" : "s", report.n_files, report.n_rows);
  return 1;
}

}  // namespace

void add_verify_command(CLI::App& app) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Check a run directory: the checksums of manifest.json and the invariants of exact MI "
      "(data-processing inequality, 0 <= I(X;T) <= log2 N, I(T;Y) <= H(Y), no NaN). Prints each "
      "violation; exit code 0 = intact, 1 = violations, 2 = not a run directory");
  cmd->add_option("run_dir", options->dir, "Run directory written by 'infoplane run' or 'infoplane merge'")
      ->required();
  cmd->add_option("--tolerance", options->tolerance, "Slack of the comparisons in bits (default 1e-8)")
      ->check(non_negative_number());
  cmd->callback([options] {
    const int code = verify(*options);
    if (code != 0) {
      std::fflush(stdout);
      std::exit(code);
    }
  });
}

}  // namespace infoplane::cli
