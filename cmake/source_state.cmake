# Writes OUT (source_state.h): the git commit of SOURCE_DIR and whether its tracked files
# differ from it. Run at every build, so that a binary built from edited sources says so;
# the file is rewritten only when its content changes, so nothing rebuilds otherwise.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no
  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE changes RESULT_VARIABLE status ERROR_QUIET)
if(NOT commit)
  set(commit "unknown")
endif()
if(NOT status EQUAL 0)
  set(modified "std::nullopt")  # not a git checkout: unknown
elseif(changes)
  set(modified "true")
else()
  set(modified "false")
endif()
set(content "/// @brief The source tree a build came from (cmake/source_state.cmake, at every build).
#pragma once

#include <optional>

namespace infoplane {
inline constexpr const char* k_git_commit = \"${commit}\";
/// Whether tracked files differed from the commit; nullopt outside a git checkout.
inline constexpr std::optional<bool> k_source_modified = ${modified};
}  // namespace infoplane
")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT old STREQUAL content)
  file(WRITE ${OUT} "${content}")
endif()
