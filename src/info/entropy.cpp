/// @brief Exact entropy and mutual information of discrete code matrices: state counting and plug-in H, I.
#include "infoplane/info/entropy.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <utility>

#include "infoplane/common.h"

namespace infoplane::info {

namespace {

// StateCounter is a hot numerical kernel (every layer, every epoch), so the table below is
// a hand-written flat open-addressing hash instead of a library container: one contiguous
// array, linear probing, no allocation per call, one cache line per probe.

constexpr std::uint64_t k_prime1 = 0x9E3779B185EBCA87ULL;  // odd constants of xxHash64
constexpr std::uint64_t k_prime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t k_prime3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t k_prime4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t k_prime5 = 0x27D4EB2F165667C5ULL;

constexpr std::size_t k_min_slots = 16;
constexpr std::uint64_t k_payload_mask = 0xFFFFFFFFULL;

/// Finaliser of SplitMix64: a bijection of 64-bit words with full avalanche.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

inline std::uint64_t load64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline std::uint32_t load32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// 64-bit hash of a row of codes. Rows of at least 64 bytes: eight 64-bit lanes take one
/// 64-byte stripe per step, each lane adding its word and the 32 x 32 -> 64-bit product
/// of the word's halves after XOR with a key that depends on lane and stripe (the
/// accumulation of XXH3, which compilers turn into vector code); every 16 stripes the
/// lanes are scrambled. The lanes and the tail words are then mixed into one word with
/// full avalanche (SplitMix64).
/// Equal hashes only make rows candidates: the caller compares them in full.
std::uint64_t hash_row(const std::uint32_t* row, std::size_t n_cols) {
  constexpr std::size_t k_lanes = 8;
  constexpr std::size_t k_stripe = k_lanes * sizeof(std::uint64_t);
  constexpr std::size_t k_stripes_per_scramble = 16;
  constexpr std::uint64_t k_lane_keys[k_lanes] = {
      0xBE4BA423396CFEB8ULL, 0x1CAD21F72C81017CULL, 0xDB979083E96DD4DEULL,
      0x1F67B3B7A4A44072ULL, 0x78E5C0CC4EE679CBULL, 0x2172FFCC7DD05A82ULL,
      0x8E2443F7744608B8ULL, 0x4C263A81E69035E0ULL};
  const auto* p = reinterpret_cast<const unsigned char*>(row);
  const std::size_t n_bytes = n_cols * sizeof(std::uint32_t);
  std::uint64_t h = k_prime5 + n_bytes;
  std::size_t k = 0;
  if (n_bytes >= k_stripe) {
    std::uint64_t acc[k_lanes] = {k_prime3, k_prime1, k_prime2, k_prime4,
                                  k_prime2, k_prime5, k_prime1, k_prime3};
    const std::size_t n_stripes = n_bytes / k_stripe;
    for (std::size_t first = 0; first < n_stripes; first += k_stripes_per_scramble) {
      const std::size_t last = std::min(first + k_stripes_per_scramble, n_stripes);
      for (std::size_t stripe = first; stripe < last; ++stripe) {
        const unsigned char* q = p + stripe * k_stripe;
        const std::uint64_t stripe_key = (stripe + 1) * k_prime2;
        for (std::size_t lane = 0; lane < k_lanes; ++lane) {
          const std::uint64_t word = load64(q + lane * sizeof(std::uint64_t));
          const std::uint64_t keyed = word ^ (k_lane_keys[lane] + stripe_key);
          acc[lane] += word + (keyed & 0xFFFFFFFFULL) * (keyed >> 32);
        }
      }
      if (last - first == k_stripes_per_scramble) {
        for (std::size_t lane = 0; lane < k_lanes; ++lane) {
          std::uint64_t a = acc[lane];
          a ^= a >> 47;
          a ^= k_lane_keys[lane];
          acc[lane] = a * 0x9E3779B1ULL;
        }
      }
    }
    k = n_stripes * k_stripe;
    for (std::size_t lane = 0; lane < k_lanes; ++lane) h = mix64(h ^ acc[lane]) + k_prime1;
  }
  for (; k + 8 <= n_bytes; k += 8) h = mix64(h ^ load64(p + k)) + k_prime2;
  if (k + 4 <= n_bytes) h = mix64(h ^ load32(p + k)) + k_prime4;
  return mix64(h);
}

/// The table as one call sees it: `mask` = n_slots - 1; the slot layout is the caller's.
struct Table {
  std::uint64_t* slots;
  std::size_t mask;
  std::uint64_t generation;  // already shifted to the tag's upper half
  std::uint64_t hash_mask;
};

/// Rows are processed in blocks: keys and slots of a whole block first (and the slots
/// prefetched), then the probes, so that table misses of several rows overlap.
constexpr std::size_t k_block = 32;

/// Widest row packed with byte lanes by a loop compiled for its width.
constexpr std::size_t k_max_byte_cols = 16;

/// Packed keys: Words = 1 or 2 64-bit words per row, each code in a lane of `lane` bits:
/// code j at bits [j * lane, (j + 1) * lane) of the low word while it fits, the rest
/// likewise in the high word. If Words = 2 and the codes do not fit in two words that way
/// (n_cols > 2 * (64 / lane)), they are shifted in through both words instead and a code
/// may straddle them. LaneBits > 0 fixes the lane width at compile time (byte lanes for
/// codes of at most 8 bits) and NCols > 0 the row width; 0 takes `bits` and codes.n_cols.
/// Returns the OR of all codes (for the max_code check).
template <std::size_t Words, std::size_t NCols, unsigned LaneBits>
std::uint32_t assign_packed(const CodeMatrixView codes, std::uint32_t* ids, unsigned bits,
                            const Table table, std::uint32_t& n_states_out) {
  constexpr std::size_t slot_words = Words == 1 ? 2 : 4;
  constexpr std::size_t tag_word = Words;
  const std::size_t n_rows = codes.n_rows;
  const std::size_t n_cols = NCols > 0 ? NCols : codes.n_cols;
  const unsigned lane = LaneBits > 0 ? LaneBits : bits;
  const std::size_t per_word = lane > 0 ? 64 / lane : n_cols;
  const bool split = Words == 1 || n_cols <= 2 * per_word;
  const std::size_t n_low = Words == 1 ? n_cols : (split ? per_word : 0);
  const unsigned carry_shift = 64 - lane;
  std::uint32_t seen = 0;
  std::uint32_t n_states = 0;
  std::uint64_t keys[k_block][Words];
  std::size_t slots[k_block];
  for (std::size_t begin = 0; begin < n_rows; begin += k_block) {
    const std::size_t n_block = std::min(k_block, n_rows - begin);
    for (std::size_t r = 0; r < n_block; ++r) {
      const std::uint32_t* row = codes.data + (begin + r) * n_cols;
      std::uint64_t low = 0;
      std::uint64_t high = 0;
      if (split) {
        for (std::size_t j = 0; j < n_low; ++j) low |= std::uint64_t{row[j]} << (j * lane);
        for (std::size_t j = n_low; j < n_cols; ++j) {
          high |= std::uint64_t{row[j]} << ((j - n_low) * lane);
        }
      } else {
        for (std::size_t j = 0; j < n_cols; ++j) {
          high = (high << lane) | (low >> carry_shift);
          low = (low << lane) | row[j];
        }
      }
      for (std::size_t j = 0; j < n_cols; ++j) seen |= row[j];
      keys[r][0] = low;
      if constexpr (Words == 2) keys[r][1] = high;
      const std::uint64_t hash = Words == 1 ? mix64(low) : mix64((low * k_prime1) ^ high);
      slots[r] = (hash & table.hash_mask) & table.mask;
      __builtin_prefetch(table.slots + slot_words * slots[r]);
    }
    for (std::size_t r = 0; r < n_block; ++r) {
      std::size_t slot = slots[r];
      for (;;) {
        std::uint64_t* s = table.slots + slot_words * slot;
        if ((s[tag_word] & ~k_payload_mask) != table.generation) {
          s[0] = keys[r][0];
          if constexpr (Words == 2) s[1] = keys[r][1];
          s[tag_word] = table.generation | n_states;
          ids[begin + r] = n_states++;
          break;
        }
        if (s[0] == keys[r][0] && (Words == 1 || s[1] == keys[r][Words - 1])) {
          ids[begin + r] = static_cast<std::uint32_t>(s[tag_word] & k_payload_mask);
          break;
        }
        slot = (slot + 1) & table.mask;
      }
    }
  }
  n_states_out = n_states;
  return seen;
}

using PackedFn = std::uint32_t (*)(CodeMatrixView, std::uint32_t*, unsigned, Table,
                                   std::uint32_t&);

template <std::size_t... N>
constexpr std::array<PackedFn, sizeof...(N)> byte_packed_fns(std::index_sequence<N...>) {
  return {&assign_packed<(N <= 8 ? 1 : 2), N, 8>...};
}
// Byte lanes, indexed by n_cols in [1, k_max_byte_cols] (index 0 unused).
constexpr auto k_byte_packed_fns =
    byte_packed_fns(std::make_index_sequence<k_max_byte_cols + 1>{});

/// Whole-row hash; rows with equal hashes are compared in full, so a collision never
/// merges two states. Blocked like assign_packed.
void assign_row_hash(const CodeMatrixView codes, std::uint32_t* ids, const Table table,
                     std::uint32_t& n_states_out) {
  const std::size_t n_rows = codes.n_rows;
  const std::size_t n_cols = codes.n_cols;
  const std::size_t row_bytes = n_cols * sizeof(std::uint32_t);
  std::uint32_t n_states = 0;
  std::uint64_t hashes[k_block];
  for (std::size_t begin = 0; begin < n_rows; begin += k_block) {
    const std::size_t n_block = std::min(k_block, n_rows - begin);
    for (std::size_t r = 0; r < n_block; ++r) {
      hashes[r] = hash_row(codes.row(begin + r), n_cols) & table.hash_mask;
      __builtin_prefetch(table.slots + 2 * (hashes[r] & table.mask));
    }
    for (std::size_t r = 0; r < n_block; ++r) {
      const std::size_t i = begin + r;
      const std::uint64_t hash = hashes[r];
      std::size_t slot = hash & table.mask;
      for (;;) {
        std::uint64_t* s = table.slots + 2 * slot;
        if ((s[1] & ~k_payload_mask) != table.generation) {
          s[0] = hash;
          s[1] = table.generation | i;
          ids[i] = n_states++;
          break;
        }
        if (s[0] == hash) {
          const std::size_t first = s[1] & k_payload_mask;
          if (std::memcmp(codes.row(first), codes.row(i), row_bytes) == 0) {
            ids[i] = ids[first];
            break;
          }
        }
        slot = (slot + 1) & table.mask;
      }
    }
  }
  n_states_out = n_states;
}

/// log2(c): a table for small counts (exactly std::log2's values), std::log2 above.
constexpr std::uint32_t k_log2_table_size = 1024;
inline double log2_count(std::uint32_t c) {
  static const std::vector<double> table = [] {
    std::vector<double> values(k_log2_table_size);
    for (std::uint32_t k = 1; k < k_log2_table_size; ++k) {
      values[k] = std::log2(static_cast<double>(k));
    }
    return values;
  }();
  return c < k_log2_table_size ? table[c] : std::log2(static_cast<double>(c));
}

/// sum over nonzero counts c of c * (log2(total) - log2(c)), i.e. total * H in bits.
/// Written so that all-ones counts give exactly total * log2(total) and a single count
/// equal to the total gives exactly 0.
double weighted_surprisal(const std::uint32_t* counts, std::size_t n_counts,
                          double log_total) {
  // First a branch-free pass (it vectorizes): zeros and ones alternate unpredictably in
  // joint counts. Then logarithms only for the counts above 1, if there are any.
  std::size_t n_ones = 0;
  std::size_t n_more = 0;
  for (std::size_t k = 0; k < n_counts; ++k) {
    n_ones += counts[k] == 1;
    n_more += counts[k] > 1;
  }
  double sum = 0.0;
  for (std::size_t k = 0; k < n_counts && n_more > 0; ++k) {
    const std::uint32_t c = counts[k];
    if (c > 1) {
      sum += static_cast<double>(c) * (log_total - log2_count(c));
      --n_more;
    }
  }
  return sum + static_cast<double>(n_ones) * log_total;
}

double clamp_bits(double value, double low, double high) {
  return std::min(std::max(value, low), high);
}

}  // namespace

void StateCounter::set_test_hashing(std::uint64_t hash_mask, bool force_row_hash) {
  m_hash_mask = hash_mask;
  m_force_row_hash = force_row_hash;
}

std::size_t StateCounter::assign(CodeMatrixView codes, std::span<std::uint32_t> ids,
                                 std::uint32_t max_code) {
  const std::size_t n_rows = codes.n_rows;
  const std::size_t n_cols = codes.n_cols;
  IP_CHECK(ids.size() == n_rows, "ids has {} entries for {} rows", ids.size(), n_rows);
  IP_CHECK(n_rows < k_payload_mask, "{} rows do not fit 32-bit state ids", n_rows);
  if (n_rows == 0) return 0;
  IP_CHECK(codes.data != nullptr || n_cols == 0, "null code matrix with {} columns", n_cols);

  const unsigned bits = static_cast<unsigned>(std::bit_width(max_code));
  // n_cols * bits without overflow: anything wider than 128 bits takes the row-hash path.
  const bool fits64 = !m_force_row_hash && n_cols <= 64 && n_cols * bits <= 64;
  const bool fits128 = !m_force_row_hash && !fits64 && n_cols <= 128 && n_cols * bits <= 128;
  const std::size_t slot_words = fits128 ? 4 : 2;

  const std::size_t n_slots = std::bit_ceil(std::max(2 * n_rows, k_min_slots));
  const std::size_t n_words = n_slots * slot_words;
  if (slot_words != m_slot_words || m_generation >= k_payload_mask) {
    // Another layout's words could look like tags of this one: start from a clean table.
    std::fill(m_keys.begin(), m_keys.end(), 0);
    m_slot_words = slot_words;
    m_generation = 0;
  }
  if (m_keys.size() < n_words) m_keys.resize(n_words, 0);  // new slots have generation 0
  ++m_generation;

  const Table table{m_keys.data(), n_slots - 1, m_generation << 32, m_hash_mask};
  std::uint32_t n_states = 0;
  std::uint32_t seen = 0;
  if (fits64 || fits128) {
    // Byte lanes (a loop compiled for the width) when they need no more words than
    // lanes of `bits` bits; otherwise lanes of `bits` bits.
    const std::size_t key_words = fits64 ? 1 : 2;
    const bool bytes = bits <= 8 && n_cols >= 1 && n_cols <= k_max_byte_cols &&
                       (n_cols <= 8 ? 1U : 2U) == key_words;
    PackedFn fn = fits64 ? &assign_packed<1, 0, 0> : &assign_packed<2, 0, 0>;
    if (bytes) fn = k_byte_packed_fns[n_cols];
    seen = fn(codes, ids.data(), bits, table, n_states);
  } else {
    assign_row_hash(codes, ids.data(), table, n_states);
  }
  // Packing needs every code to fit in bit_width(max_code) bits.
  IP_CHECK(bits >= 32 || (seen >> bits) == 0,
           "a code exceeds max_code = {} (OR of all codes: {})", max_code, seen);
  return n_states;
}

DiscreteInfo info_from_ids(std::span<const std::uint32_t> ids, std::size_t n_states,
                           std::span<const std::uint32_t> labels, std::size_t n_classes,
                           std::vector<std::uint32_t>& scratch) {
  const std::size_t n = ids.size();
  IP_CHECK(labels.empty() || labels.size() == n, "{} labels for {} ids", labels.size(), n);
  IP_CHECK(n < std::numeric_limits<std::uint32_t>::max(), "{} samples overflow the counts", n);
  DiscreteInfo info;
  info.n = n;
  info.n_states = n_states;
  if (n == 0) return info;
  const double n_d = static_cast<double>(n);
  const double log_n = std::log2(n_d);
  const std::size_t n_s = n_states;

  if (labels.empty()) {
    scratch.assign(n_s, 0);
    std::uint32_t* const state_counts = scratch.data();
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t t = ids[i];
      IP_CHECK(t < n_s, "state id {} out of range [0, {})", t, n_s);
      ++state_counts[t];
    }
    info.h_t = clamp_bits(weighted_surprisal(state_counts, n_s, log_n) / n_d, 0.0, log_n);
    return info;
  }

  const std::size_t n_c = n_classes;
  IP_CHECK(n_c > 0, "labels given with n_classes = 0");
  // Joint counts in a dense class-major table when it is small (the usual case: few
  // classes); otherwise samples are grouped by class and counted one class at a time,
  // which needs O(n + n_states + n_classes) scratch whatever the number of classes.
  const std::size_t dense_limit = 4 * n + 1024;
  const bool dense = n_s <= dense_limit / n_c;
  double h_t_given_y_n = 0.0;  // N * H(T|Y)
  if (dense) {
    scratch.assign(n_s + n_c + n_s * n_c, 0);
    std::uint32_t* const state_counts = scratch.data();
    std::uint32_t* const class_counts = state_counts + n_s;
    std::uint32_t* const joint = class_counts + n_c;
    // One increment per sample: incrementing a handful of class counters in the same
    // loop would chain every sample through store-to-load forwarding.
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t t = ids[i];
      const std::uint32_t y = labels[i];
      IP_CHECK(t < n_s && y < n_c, "sample {}: state {} of {}, class {} of {}", i, t, n_s, y,
               n_c);
      ++joint[y * n_s + t];
    }
    for (std::size_t y = 0; y < n_c; ++y) {
      const std::uint32_t* const row = joint + y * n_s;
      std::uint32_t n_y = 0;
      for (std::size_t t = 0; t < n_s; ++t) {
        state_counts[t] += row[t];
        n_y += row[t];
      }
      class_counts[y] = n_y;
    }
    info.h_t = weighted_surprisal(state_counts, n_s, log_n) / n_d;
    info.h_y = weighted_surprisal(class_counts, n_c, log_n) / n_d;
    for (std::size_t y = 0; y < n_c; ++y) {
      if (class_counts[y] == 0) continue;
      const double log_ny = std::log2(static_cast<double>(class_counts[y]));
      h_t_given_y_n += weighted_surprisal(joint + y * n_s, n_s, log_ny);
    }
  } else {
    // Layout: state counts [n_s], class counts [n_c], class starts [n_c + 1],
    // samples ordered by class [n], per-class state counts [n_s].
    scratch.assign(n_s + n_c + (n_c + 1) + n + n_s, 0);
    std::uint32_t* const state_counts = scratch.data();
    std::uint32_t* const class_counts = state_counts + n_s;
    std::uint32_t* const class_start = class_counts + n_c;
    std::uint32_t* const order = class_start + n_c + 1;
    std::uint32_t* const in_class = order + n;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t t = ids[i];
      const std::uint32_t y = labels[i];
      IP_CHECK(t < n_s && y < n_c, "sample {}: state {} of {}, class {} of {}", i, t, n_s, y,
               n_c);
      ++state_counts[t];
      ++class_counts[y];
    }
    for (std::size_t y = 0; y < n_c; ++y) {
      class_start[y + 1] = class_start[y] + class_counts[y];
    }
    for (std::size_t i = 0; i < n; ++i) {
      order[class_start[labels[i]]++] = static_cast<std::uint32_t>(i);
    }
    // class_start[y] now holds the end of class y; its start is the previous class's end.
    info.h_t = weighted_surprisal(state_counts, n_s, log_n) / n_d;
    info.h_y = weighted_surprisal(class_counts, n_c, log_n) / n_d;
    std::size_t begin = 0;
    for (std::size_t y = 0; y < n_c; ++y) {
      const std::size_t end = class_start[y];
      if (end == begin) continue;
      const double log_ny = std::log2(static_cast<double>(end - begin));
      for (std::size_t k = begin; k < end; ++k) ++in_class[ids[order[k]]];
      double sum = 0.0;
      std::size_t n_ones = 0;
      for (std::size_t k = begin; k < end; ++k) {
        const std::uint32_t t = ids[order[k]];
        const std::uint32_t c = in_class[t];
        if (c == 1) {
          ++n_ones;
        } else if (c > 1) {
          sum += static_cast<double>(c) * (log_ny - log2_count(c));
        }
        in_class[t] = 0;  // each state once per class; leaves the buffer zeroed
      }
      h_t_given_y_n += sum + static_cast<double>(n_ones) * log_ny;
      begin = end;
    }
  }
  info.h_t = clamp_bits(info.h_t, 0.0, log_n);
  info.h_y = clamp_bits(info.h_y, 0.0, log_n);
  info.i_ty = clamp_bits(info.h_t - h_t_given_y_n / n_d, 0.0, std::min(info.h_t, info.h_y));
  return info;
}

DiscreteInfo mi_exact(CodeMatrixView codes, std::span<const std::uint32_t> labels,
                      std::size_t n_classes) {
  const std::size_t n_values = codes.n_rows * codes.n_cols;
  std::uint32_t max_code = 0;
  for (std::size_t k = 0; k < n_values; ++k) max_code |= codes.data[k];
  StateCounter counter;
  std::vector<std::uint32_t> ids(codes.n_rows);
  const std::size_t n_states = counter.assign(codes, ids, max_code);
  std::vector<std::uint32_t> scratch;
  return info_from_ids(ids, n_states, labels, n_classes, scratch);
}

double entropy_bits(std::span<const std::uint32_t> counts, std::size_t total) {
  std::size_t sum = 0;
  for (const std::uint32_t c : counts) sum += c;
  IP_CHECK(sum == total, "counts sum to {}, total is {}", sum, total);
  if (total == 0) return 0.0;
  const double log_total = std::log2(static_cast<double>(total));
  return clamp_bits(weighted_surprisal(counts.data(), counts.size(), log_total) /
                        static_cast<double>(total),
                    0.0, log_total);
}

DiscreteInfo mi_exact_naive(CodeMatrixView codes, std::span<const std::uint32_t> labels,
                            std::size_t n_classes) {
  IP_CHECK(labels.empty() || labels.size() == codes.n_rows, "{} labels for {} rows",
           labels.size(), codes.n_rows);
  DiscreteInfo info;
  info.n = codes.n_rows;
  std::map<std::vector<std::uint32_t>, std::size_t> state_counts;
  std::map<std::pair<std::vector<std::uint32_t>, std::uint32_t>, std::size_t> joint_counts;
  std::map<std::uint32_t, std::size_t> class_counts;
  for (std::size_t i = 0; i < codes.n_rows; ++i) {
    std::vector<std::uint32_t> row(codes.row(i), codes.row(i) + codes.n_cols);
    ++state_counts[row];
    if (!labels.empty()) {
      IP_CHECK(labels[i] < n_classes, "label {} out of range [0, {})", labels[i], n_classes);
      ++class_counts[labels[i]];
      ++joint_counts[{std::move(row), labels[i]}];
    }
  }
  info.n_states = state_counts.size();
  if (info.n == 0) return info;
  const double n = static_cast<double>(info.n);
  // Textbook definitions: H = -sum p log2 p, I = sum p(t,y) log2(p(t,y) / (p(t) p(y))).
  for (const auto& [row, c] : state_counts) {
    const double p = static_cast<double>(c) / n;
    info.h_t -= p * std::log2(p);
  }
  for (const auto& [y, c] : class_counts) {
    const double p = static_cast<double>(c) / n;
    info.h_y -= p * std::log2(p);
  }
  for (const auto& [key, c] : joint_counts) {
    const double p_ty = static_cast<double>(c) / n;
    const double p_t = static_cast<double>(state_counts.at(key.first)) / n;
    const double p_y = static_cast<double>(class_counts.at(key.second)) / n;
    info.i_ty += p_ty * std::log2(p_ty / (p_t * p_y));
  }
  return info;
}

}  // namespace infoplane::info
