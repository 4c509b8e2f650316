/// @brief Parsing and validation of estimator specs `name[:value][,key=value...]`.
#include "infoplane/info/spec.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "infoplane/common.h"

namespace infoplane::info {
namespace {

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// Everything a parser of one estimator's keys needs to report errors.
class ParamReader {
 public:
  ParamReader(std::string_view text, std::string_view name) : m_text(text), m_name(name) {}

  [[noreturn]] void fail(std::string_view key, std::string_view what, std::string_view got,
                         std::string_view expected) const {
    input_error("estimator \"{}\": {} {}; got {}, expected {}", m_text, key, what, got,
                expected);
  }

  std::uint32_t positive_int(const SpecParam& p, std::uint32_t min_value,
                             std::uint32_t max_value) const {
    std::uint64_t v = 0;
    const char* first = p.value.data();
    const char* last = first + p.value.size();
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || ptr != last || v < min_value || v > max_value)
      fail(p.key, "must be an integer", p.value,
           fmt::format("an integer in [{}, {}]", min_value, max_value));
    return static_cast<std::uint32_t>(v);
  }

  std::uint64_t unsigned_int(const SpecParam& p) const {
    std::uint64_t v = 0;
    const char* first = p.value.data();
    const char* last = first + p.value.size();
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || ptr != last)
      fail(p.key, "must be a non-negative integer", p.value, "an integer >= 0");
    return v;
  }

  double number(std::string_view key, std::string_view text, std::string_view expected) const {
    double v = 0.0;
    const char* first = text.data();
    const char* last = first + text.size();
    if (first != last && *first == '+') ++first;
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || ptr != last || !std::isfinite(v))
      fail(key, "must be a number", text.empty() ? std::string_view("nothing") : text,
           expected);
    return v;
  }

  bool boolean(const SpecParam& p) const {
    if (p.value == "true") return true;
    if (p.value == "false") return false;
    fail(p.key, "must be a boolean", p.value, "true or false");
  }

  std::string_view text() const { return m_text; }
  std::string_view name() const { return m_name; }

 private:
  std::string_view m_text;
  std::string_view m_name;
};

/// Checks every key against the valid ones, rejects repeats, and folds the main value in.
std::vector<SpecParam> checked_params(const SpecTokens& tokens, const ParamReader& reader,
                                      std::string_view main_key,
                                      const std::vector<std::string_view>& valid) {
  std::vector<SpecParam> params;
  if (tokens.has_value) {
    if (main_key.empty())
      input_error("estimator \"{}\": {} takes no value after ':'; got {}, expected no value",
                  reader.text(), reader.name(), tokens.value);
    params.push_back({std::string(main_key), tokens.value});
  }
  params.insert(params.end(), tokens.params.begin(), tokens.params.end());
  for (std::size_t i = 0; i < params.size(); ++i) {
    bool known = false;
    for (const std::string_view v : valid) known = known || params[i].key == v;
    if (!known) {
      if (valid.empty())
        input_error("estimator \"{}\": unknown key for {}; got {}, expected no keys",
                    reader.text(), reader.name(), params[i].key);
      input_error("estimator \"{}\": unknown key for {}; got {}, expected one of {}",
                  reader.text(), reader.name(), params[i].key, fmt::join(valid, ", "));
    }
    for (std::size_t j = 0; j < i; ++j)
      if (params[j].key == params[i].key)
        input_error("estimator \"{}\": key {} given twice; got {} and {}, expected one value",
                    reader.text(), params[i].key, params[j].value, params[i].value);
  }
  return params;
}

std::string format_number(double v) { return fmt::format("{}", v); }

EstimatorSpec parse_binning(const SpecTokens& tokens, const ParamReader& reader) {
  BinningOptions o;
  for (const SpecParam& p :
       checked_params(tokens, reader, "m", {"m", "bounds", "miller_madow"})) {
    if (p.key == "m") {
      o.n_bins = reader.positive_int(p, 1, 1u << 30);
    } else if (p.key == "miller_madow") {
      o.miller_madow = reader.boolean(p);
    } else if (p.value == "fixed") {
      o.bounds = BinBounds::Fixed;
    } else if (p.value == "global") {
      o.bounds = BinBounds::Global;
    } else if (p.value == "layer") {
      o.bounds = BinBounds::Layer;
    } else if (p.value == "neuron") {
      o.bounds = BinBounds::Neuron;
    } else if (p.value.starts_with("fixed:")) {
      const std::string_view rest = std::string_view(p.value).substr(6);
      const std::size_t colon = rest.find(':');
      if (colon == std::string_view::npos)
        reader.fail("bounds", "has no upper bound", p.value, "fixed:LO:HI");
      const double lo = reader.number("bounds", rest.substr(0, colon), "fixed:LO:HI");
      const double hi = reader.number("bounds", rest.substr(colon + 1), "fixed:LO:HI");
      if (!(lo < hi)) reader.fail("bounds", "is empty", p.value, "LO < HI");
      o.bounds = BinBounds::Fixed;
      o.fixed_range = ValueRange{lo, hi};
    } else {
      reader.fail("bounds", "is unknown", p.value,
                  "one of fixed, fixed:LO:HI, global, layer, neuron");
    }
  }
  std::string bounds;
  switch (o.bounds) {
    case BinBounds::Fixed:
      bounds = o.fixed_range ? fmt::format("fixed:{}:{}", format_number(o.fixed_range->lo),
                                           format_number(o.fixed_range->hi))
                             : "fixed";
      break;
    case BinBounds::Global: bounds = "global"; break;
    case BinBounds::Layer: bounds = "layer"; break;
    case BinBounds::Neuron: bounds = "neuron"; break;
  }
  std::string canonical = fmt::format("binning:{},bounds={}", o.n_bins, bounds);
  if (o.miller_madow) canonical += ",miller_madow=true";
  return {o, canonical};
}

EstimatorSpec parse_adaptive(const SpecTokens& tokens, const ParamReader& reader) {
  AdaptiveOptions o;
  for (const SpecParam& p : checked_params(tokens, reader, "m", {"m", "miller_madow"})) {
    if (p.key == "m") o.n_bins = reader.positive_int(p, 1, 1u << 30);
    else o.miller_madow = reader.boolean(p);
  }
  std::string canonical = fmt::format("adaptive:{}", o.n_bins);
  if (o.miller_madow) canonical += ",miller_madow=true";
  return {o, canonical};
}

EstimatorSpec parse_kde(const SpecTokens& tokens, const ParamReader& reader) {
  KdeOptions o;
  for (const SpecParam& p : checked_params(tokens, reader, "var", {"var", "bound"})) {
    if (p.key == "var") {
      o.var = reader.number("var", p.value, "a variance > 0");
      if (!(o.var > 0.0)) reader.fail("var", "must be positive", p.value, "a variance > 0");
    } else if (p.value == "upper") {
      o.bound = KdeBound::Upper;
    } else if (p.value == "lower") {
      o.bound = KdeBound::Lower;
    } else {
      reader.fail("bound", "is unknown", p.value, "upper or lower");
    }
  }
  return {o, fmt::format("kde:var={},bound={}", format_number(o.var),
                         o.bound == KdeBound::Upper ? "upper" : "lower")};
}

EstimatorSpec parse_ksg(const SpecTokens& tokens, const ParamReader& reader) {
  KsgOptions o;
  bool has_seed = false;
  for (const SpecParam& p :
       checked_params(tokens, reader, "k", {"k", "alg", "normalize", "noise", "seed"})) {
    if (p.key == "k") {
      o.k = reader.positive_int(p, 1, 1u << 20);
    } else if (p.key == "alg") {
      o.algorithm = static_cast<int>(reader.positive_int(p, 1, 2));
    } else if (p.key == "normalize") {
      o.normalize = reader.boolean(p);
    } else if (p.key == "noise") {
      o.noise = reader.number("noise", p.value, "a standard deviation >= 0");
      if (o.noise < 0.0)
        reader.fail("noise", "must not be negative", p.value, "a standard deviation >= 0");
    } else {
      o.seed = reader.unsigned_int(p);
      has_seed = true;
    }
  }
  if (has_seed && o.noise == 0.0)
    input_error("estimator \"{}\": seed has no effect without noise; got seed={}, expected "
                "noise=SD with it",
                reader.text(), o.seed);
  std::string canonical = fmt::format("ksg:k={},alg={}", o.k, o.algorithm);
  if (o.normalize) canonical += ",normalize=true";
  if (o.noise > 0.0) canonical += fmt::format(",noise={},seed={}", format_number(o.noise), o.seed);
  return {o, canonical};
}

}  // namespace

const std::vector<std::string>& estimator_names() {
  static const std::vector<std::string> names = {"exact", "binning", "adaptive", "kde", "ksg"};
  return names;
}

SpecTokens tokenize_spec(std::string_view text) {
  const std::string_view whole = trim(text);
  if (whole.empty())
    input_error("estimator \"\": empty spec; got nothing, expected name[:value][,key=value...]");
  SpecTokens tokens;
  std::size_t start = 0;
  bool first = true;
  while (start <= whole.size()) {
    std::size_t comma = whole.find(',', start);
    if (comma == std::string_view::npos) comma = whole.size();
    const std::string_view token = trim(whole.substr(start, comma - start));
    if (token.empty())
      input_error("estimator \"{}\": empty item between commas; got \"\", expected key=value",
                  whole);
    std::string_view pair = token;
    if (first) {
      const std::size_t colon = token.find(':');
      const std::string_view name = trim(token.substr(0, colon));
      if (name.empty() || name.find('=') != std::string_view::npos)
        input_error("estimator \"{}\": no estimator name; got \"{}\", expected one of {}",
                    whole, name, fmt::join(estimator_names(), ", "));
      tokens.name = std::string(name);
      pair = colon == std::string_view::npos ? std::string_view() : trim(token.substr(colon + 1));
      if (colon != std::string_view::npos && pair.empty())
        input_error("estimator \"{}\": nothing after ':'; got \"\", expected a value", whole);
      if (!pair.empty() && pair.find('=') == std::string_view::npos) {
        tokens.value = std::string(pair);
        tokens.has_value = true;
        pair = {};
      }
      first = false;
    }
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos)
        input_error("estimator \"{}\": item without '='; got \"{}\", expected key=value", whole,
                    pair);
      const std::string_view key = trim(pair.substr(0, eq));
      const std::string_view value = trim(pair.substr(eq + 1));
      if (key.empty() || value.empty())
        input_error("estimator \"{}\": empty key or value; got \"{}\", expected key=value",
                    whole, pair);
      tokens.params.push_back({std::string(key), std::string(value)});
    }
    start = comma + 1;
  }
  return tokens;
}

EstimatorSpec parse_estimator_spec(std::string_view text) {
  const std::string_view whole = trim(text);
  const SpecTokens tokens = tokenize_spec(whole);
  const ParamReader reader(whole, tokens.name);
  if (tokens.name == "exact") {
    checked_params(tokens, reader, "", {});
    return {ExactOptions{}, "exact"};
  }
  if (tokens.name == "binning") return parse_binning(tokens, reader);
  if (tokens.name == "adaptive") return parse_adaptive(tokens, reader);
  if (tokens.name == "kde") return parse_kde(tokens, reader);
  if (tokens.name == "ksg") return parse_ksg(tokens, reader);
  input_error("estimator \"{}\": unknown name; got {}, expected one of {}", whole, tokens.name,
              fmt::join(estimator_names(), ", "));
}

std::string canonical_spec(std::string_view text) { return parse_estimator_spec(text).canonical; }

bool is_exact_estimator(std::string_view name) {
  name = trim(name);
  return name == "exact" || name.starts_with("exact:");
}

bool same_estimator(std::string_view a, std::string_view b) {
  if (trim(a) == trim(b)) return true;
  const auto canonical = [](std::string_view text) -> std::string {
    try {
      return canonical_spec(text);
    } catch (const InputError&) {
      return std::string(trim(text));
    }
  };
  return canonical(a) == canonical(b);
}

}  // namespace infoplane::info
