/// @brief Error types shared by the whole library: bad user input and broken invariants.
#pragma once

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace infoplane {

/// Bad user input (CLI arguments, config files, data files). The message reads
/// "where: what; got X, expected Y". The CLI prints it on one line and exits with 2.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

/// Throws InputError with a fmt-formatted message.
template <typename... Args>
[[noreturn]] void input_error(fmt::format_string<Args...> format, Args&&... args) {
  throw InputError(fmt::format(format, std::forward<Args>(args)...));
}

namespace detail {
[[noreturn]] inline void check_failed(const char* file, int line, const char* cond,
                                      const std::string& message) {
  throw std::logic_error(fmt::format("{}:{}: internal check failed: {} {}", file, line,
                                     cond, message));
}
}  // namespace detail

}  // namespace infoplane

/// Internal invariant: throws std::logic_error naming the file and line.
#define IP_CHECK(cond, ...)                                                          \
  do {                                                                               \
    if (!(cond))                                                                     \
      ::infoplane::detail::check_failed(__FILE__, __LINE__, #cond,                   \
                                        ::fmt::format("" __VA_ARGS__));              \
  } while (0)
