/// @brief CLI11 validators whose errors name the valid range in words (CLI11's own print
/// the limits of the type as 309-digit numbers).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

namespace infoplane::cli {

/// A whole number of at least `min`, e.g. "--epochs: expected a whole number of at least
/// 1, got '0'" (CLI11 puts the option's name first).
inline CLI::Validator whole_number(std::uint64_t min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* last = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), last, value);
        if (ec == std::errc() && ptr == last && value >= min) return {};
        return fmt::format("expected a whole number of at least {}, got '{}'", min, text);
      },
      fmt::format("INT>={}", min));
}

/// A finite number >= 0, e.g. "--tolerance: expected a number of at least 0, got '-1'".
inline CLI::Validator non_negative_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double value = 0.0;
        const char* first = text.data() + (text.starts_with('+') ? 1 : 0);
        const char* last = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(first, last, value);
        if (ec == std::errc() && ptr == last && std::isfinite(value) && value >= 0.0) return {};
        return fmt::format("expected a number of at least 0, got '{}'", text);
      },
      "NUMBER>=0");
}

}  // namespace infoplane::cli
