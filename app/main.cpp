/// @brief Entry point of the `infoplane` CLI: parses arguments and maps errors to exit codes.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>
#include <exception>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "commands.h"
#include "infoplane/common.h"

int main(int argc, char** argv) {
  CLI::App app{"infoplane: exact information planes of quantized neural networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "infoplane 0.1.0");
  infoplane::cli::add_run_command(app);
  infoplane::cli::add_mi_command(app);
  infoplane::cli::add_plot_command(app);
  infoplane::cli::add_estimate_command(app);
  infoplane::cli::add_verify_command(app);
  infoplane::cli::add_merge_command(app);
  infoplane::cli::add_phases_command(app);
  infoplane::cli::add_compare_command(app);
  infoplane::cli::add_reproduce_command(app);
  if (argc > 1 && argv[1][0] != '-') {
    // CLI11 would take an unknown command for a stray argument ("A subcommand is required").
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      names.push_back(sub->get_name());
    }
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      fmt::print(stderr, "infoplane: error: unknown command '{}'; expected one of {}\nRun with --help for usage.\n",
                 argv[1], fmt::join(names, ", "));
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "infoplane: error: {}\nRun with --help for usage.\n", e.what());
    return 2;
  } catch (const infoplane::InputError& e) {
    fmt::print(stderr, "infoplane: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "infoplane: internal error: {}\n", e.what());
    return 1;
  }
  return 0;
}
