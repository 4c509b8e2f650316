/// @brief The build facts of this binary, from the compiler's own macros and CMake.
#include "infoplane/experiment/build_info.h"

#include <zlib.h>

#include <string>
#include <vector>

#include <Eigen/Core>
#include <fmt/format.h>
#include <toml++/impl/version.h>

#include "infoplane/version.h"

namespace infoplane::experiment {

nlohmann::json build_record() {
  // The instruction sets this translation unit (compiled with the library's flags) targets.
  std::vector<std::string> features;
#ifdef __SSE4_2__
  features.emplace_back("sse4.2");
#endif
#ifdef __AVX__
  features.emplace_back("avx");
#endif
#ifdef __AVX2__
  features.emplace_back("avx2");
#endif
#ifdef __FMA__
  features.emplace_back("fma");
#endif
#ifdef __AVX512F__
  features.emplace_back("avx512f");
#endif
#ifdef __AVX512BW__
  features.emplace_back("avx512bw");
#endif
#ifdef __AVX512VL__
  features.emplace_back("avx512vl");
#endif
#ifdef __ARM_NEON
  features.emplace_back("neon");
#endif
  nlohmann::json modified = nullptr;
  if (k_source_modified) modified = *k_source_modified;
  return {{"infoplane_version", k_version},
          {"git_commit", k_git_commit},
          {"source_modified", modified},
          {"compiler", k_compiler},
          {"build_type", k_build_type},
          {"flags", k_build_flags},
          {"cpu_features", features},
          {"libraries",
           {{"eigen", fmt::format("{}.{}.{}", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION)},
            {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
            {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                                          NLOHMANN_JSON_VERSION_PATCH)},
            {"tomlplusplus", fmt::format("{}.{}.{}", TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH)},
            {"zlib", ZLIB_VERSION}}}};
}

}  // namespace infoplane::experiment
