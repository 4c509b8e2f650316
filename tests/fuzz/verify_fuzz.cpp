/// @brief libFuzzer target: `verify_run` on a run directory made of the fuzzer's bytes
/// (manifest.json, mi.csv, accuracy.csv, activation_range.csv and one part's .json,
/// separated by the byte 0x00). Anything but InputError escaping verify_run is a bug.
///
/// Built by the `fuzz` preset and run by scripts/fuzz.sh (docs/long-runs.md).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "infoplane/common.h"
#include "infoplane/experiment/verify.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path dir = fs::temp_directory_path() / ("infoplane_verify_fuzz_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "parts");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const char* names[] = {"manifest.json", "mi.csv", "accuracy.csv", "activation_range.csv", "parts/rep-000000.json"};
  std::size_t start = 0;
  for (const char* name : names) {
    if (start > input.size()) break;
    std::size_t end = input.find('\0', start);
    if (end == std::string_view::npos) end = input.size();
    std::ofstream(dir / name, std::ios::binary) << input.substr(start, end - start);
    start = end + 1;
  }
  try {
    infoplane::experiment::verify_run(dir);
  } catch (const infoplane::InputError&) {
  }
  return 0;
}
