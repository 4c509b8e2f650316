/// @brief What makes a run reproducible elsewhere: the build that computed it, recorded in
/// its manifest under "build".
#pragma once

#include <nlohmann/json.hpp>

namespace infoplane::experiment {

/// {"infoplane_version", "git_commit", "source_modified" (true, false or null outside a git
/// checkout), "compiler", "build_type", "flags", "cpu_features" (the instruction sets the
/// build was compiled for, e.g. ["sse4.2", "avx2", "fma"]: AVX2 and AVX-512 builds give
/// results that differ in the last bits), "libraries" {"eigen", "fmt", "nlohmann_json",
/// "tomlplusplus", "zlib"}}.
nlohmann::json build_record();

}  // namespace infoplane::experiment
