/// @brief Paths of the files of a run directory.
#include "infoplane/store/layout.h"

#include <iterator>

#include <fmt/format.h>

namespace infoplane::store {

std::filesystem::path part_path(const std::filesystem::path& run_dir, std::size_t index, std::string_view suffix) {
  return run_dir / "parts" / fmt::format("rep-{:06}.{}", index, suffix);
}

std::filesystem::path activations_path(const std::filesystem::path& run_dir, std::size_t index, std::size_t layer) {
  return run_dir / "activations" / fmt::format("rep-{:06}.layer-{}.csv", index, layer);
}

std::string activations_header(std::size_t width) {
  std::string header = "epoch,sample,label";
  for (std::size_t j = 0; j < width; ++j) fmt::format_to(std::back_inserter(header), ",v{}", j);
  return header;
}

}  // namespace infoplane::store
