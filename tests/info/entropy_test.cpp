/// @brief Tests of exact state counting, H and I: brute force, closed forms, hash collisions, key packing.
#include "infoplane/info/entropy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

#include "infoplane/data/csv.h"

namespace infoplane::info {
namespace {

constexpr double k_tol = 1e-9;

/// Row-major code matrix owned by a test.
struct Codes {
  std::vector<std::uint32_t> data;
  std::size_t n_rows = 0;
  std::size_t n_cols = 0;
  CodeMatrixView view() const { return {data.data(), n_rows, n_cols}; }
  std::uint32_t* row(std::size_t i) { return data.data() + i * n_cols; }
};

/// First-appearance ids by brute force (std::map over whole rows).
std::vector<std::uint32_t> naive_ids(const Codes& codes, std::size_t& n_states) {
  std::map<std::vector<std::uint32_t>, std::uint32_t> seen;
  std::vector<std::uint32_t> ids(codes.n_rows);
  for (std::size_t i = 0; i < codes.n_rows; ++i) {
    const std::uint32_t* r = codes.view().row(i);
    const auto [it, inserted] =
        seen.try_emplace(std::vector<std::uint32_t>(r, r + codes.n_cols),
                         static_cast<std::uint32_t>(seen.size()));
    ids[i] = it->second;
  }
  n_states = seen.size();
  return ids;
}

/// Rows drawn from a pool of `n_pool` random rows (codes uniform in [0, max_code]); with
/// probability `p_mutate` one column of the drawn row is changed, so that near-duplicates
/// (rows that differ in one code) are common.
Codes random_codes(std::mt19937_64& rng, std::size_t n_rows, std::size_t n_cols,
                   std::uint32_t max_code, std::size_t n_pool, double p_mutate) {
  std::uniform_int_distribution<std::uint32_t> code(0, max_code);
  Codes pool{std::vector<std::uint32_t>(n_pool * n_cols), n_pool, n_cols};
  for (auto& c : pool.data) c = code(rng);
  Codes codes{std::vector<std::uint32_t>(n_rows * n_cols), n_rows, n_cols};
  std::uniform_int_distribution<std::size_t> pick(0, n_pool - 1);
  std::uniform_int_distribution<std::size_t> column(0, n_cols - 1);
  std::bernoulli_distribution mutate(p_mutate);
  for (std::size_t i = 0; i < n_rows; ++i) {
    const std::uint32_t* src = pool.row(pick(rng));
    std::copy(src, src + n_cols, codes.row(i));
    if (mutate(rng)) codes.row(i)[column(rng)] = code(rng);
  }
  return codes;
}

std::vector<std::uint32_t> random_labels(std::mt19937_64& rng, std::size_t n,
                                         std::size_t n_classes) {
  std::uniform_int_distribution<std::uint32_t> label(0, static_cast<std::uint32_t>(n_classes - 1));
  std::vector<std::uint32_t> labels(n);
  for (auto& y : labels) y = label(rng);
  return labels;
}

void expect_same_info(const DiscreteInfo& fast, const DiscreteInfo& naive) {
  EXPECT_EQ(fast.n, naive.n);
  EXPECT_EQ(fast.n_states, naive.n_states);
  EXPECT_NEAR(fast.h_t, naive.h_t, k_tol);
  EXPECT_NEAR(fast.h_y, naive.h_y, k_tol);
  EXPECT_NEAR(fast.i_ty, naive.i_ty, k_tol);
}

/// Every key path (given max_code, unknown max_code, forced row hash, all hashes equal)
/// must give exactly the brute-force ids.
void expect_ids_on_all_paths(const Codes& codes, std::uint32_t max_code) {
  std::size_t n_expected = 0;
  const std::vector<std::uint32_t> expected = naive_ids(codes, n_expected);
  std::vector<std::uint32_t> ids(codes.n_rows);
  StateCounter counter;
  EXPECT_EQ(counter.assign(codes.view(), ids, max_code), n_expected);
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(counter.assign(codes.view(), ids), n_expected);
  EXPECT_EQ(ids, expected);
  counter.set_test_hashing(~std::uint64_t{0}, true);
  EXPECT_EQ(counter.assign(codes.view(), ids, max_code), n_expected);
  EXPECT_EQ(ids, expected);
  counter.set_test_hashing(0, false);
  EXPECT_EQ(counter.assign(codes.view(), ids, max_code), n_expected);
  EXPECT_EQ(ids, expected);
}

/// The 4096 SZT inputs: row i is the integer i in 12 bits, most significant bit first.
Codes szt_inputs() {
  Codes codes{std::vector<std::uint32_t>(4096 * 12), 4096, 12};
  for (std::size_t i = 0; i < 4096; ++i) {
    for (std::size_t j = 0; j < 12; ++j) codes.row(i)[j] = (i >> (11 - j)) & 1U;
  }
  return codes;
}

std::vector<std::uint32_t> szt_labels() {
  const auto raw = data::read_label_file(std::filesystem::path(INFOPLANE_DATA_DIR) / "szt" /
                                         "labels.txt");
  std::vector<std::uint32_t> labels;
  EXPECT_EQ(data::remap_labels(raw, labels), 2U);
  return labels;
}

TEST(EntropyTest, MatchesNaiveOnRandomMatrices) {
  std::mt19937_64 rng(20220425);
  const std::size_t widths[] = {1,  2,  3,  5,  7,  8,   12,  13,   16,
                                17, 31, 33, 64, 65, 100, 257, 1352, 2000};
  const std::uint32_t max_codes[] = {0, 1, 3, 255, 4095, 65535, UINT32_MAX};
  int n_cases = 0;
  for (const std::size_t n_cols : widths) {
    for (const std::uint32_t max_code : max_codes) {
      const std::size_t n_rows = n_cols >= 1000 ? 150 : 40 + rng() % 500;
      const std::size_t n_pool = 1 + rng() % n_rows;
      const double p_mutate = (rng() % 3) * 0.25;
      const Codes codes = random_codes(rng, n_rows, n_cols, max_code, n_pool, p_mutate);
      for (const std::size_t n_classes : {std::size_t{1}, std::size_t{2}, std::size_t{10},
                                          n_rows / 3 + 1}) {
        SCOPED_TRACE(::testing::Message() << n_rows << " x " << n_cols << ", max_code "
                                        << max_code << ", pool " << n_pool << ", classes "
                                        << n_classes);
        const std::vector<std::uint32_t> labels = random_labels(rng, n_rows, n_classes);
        expect_same_info(mi_exact(codes.view(), labels, n_classes),
                         mi_exact_naive(codes.view(), labels, n_classes));
        ++n_cases;
      }
      expect_same_info(mi_exact(codes.view(), {}, 0), mi_exact_naive(codes.view(), {}, 0));
      expect_ids_on_all_paths(codes, max_code);
    }
  }
  EXPECT_GT(n_cases, 400);
}

TEST(EntropyTest, SztLabelsHaveKnownEntropy) {
  const std::vector<std::uint32_t> labels = szt_labels();
  ASSERT_EQ(labels.size(), 4096U);
  std::uint32_t counts[2] = {0, 0};
  for (const std::uint32_t y : labels) ++counts[y];
  EXPECT_EQ(counts[1], 2118U);
  EXPECT_NEAR(entropy_bits(counts, 4096), 0.9991571, 1e-7);
  // p = 2118/4096: -p log2 p - (1-p) log2 (1-p), evaluated independently.
  const double p = 2118.0 / 4096.0;
  EXPECT_NEAR(entropy_bits(counts, 4096), -p * std::log2(p) - (1 - p) * std::log2(1 - p), 1e-15);
}

TEST(EntropyTest, BijectiveLayerGivesLog2NAndHY) {
  const Codes inputs = szt_inputs();
  const std::vector<std::uint32_t> labels = szt_labels();
  const DiscreteInfo info = mi_exact(inputs.view(), labels, 2);
  EXPECT_EQ(info.n, 4096U);
  EXPECT_EQ(info.n_states, 4096U);
  EXPECT_EQ(info.h_t, 12.0);  // exactly
  EXPECT_NEAR(info.h_y, 0.9991571, 1e-7);
  EXPECT_NEAR(info.i_ty, info.h_y, 1e-12);

  // Any injective recoding of the rows is the same variable: wide, 8-bit, 32-bit codes.
  Codes wide{std::vector<std::uint32_t>(4096 * 300), 4096, 300};
  for (std::size_t i = 0; i < 4096; ++i) {
    for (std::size_t j = 0; j < 300; ++j)
      wide.row(i)[j] = static_cast<std::uint32_t>((i * 2654435761U + j) & 0xFFU);
    wide.row(i)[299 - (i % 7)] = static_cast<std::uint32_t>(i) * 0x9E3779B1U;
  }
  const DiscreteInfo wide_info = mi_exact(wide.view(), labels, 2);
  EXPECT_EQ(wide_info.n_states, 4096U);
  EXPECT_EQ(wide_info.h_t, 12.0);
  EXPECT_NEAR(wide_info.i_ty, info.h_y, 1e-12);

  // A non-power-of-two sample count: 1000 distinct rows.
  Codes thousand{std::vector<std::uint32_t>(1000), 1000, 1};
  for (std::size_t i = 0; i < 1000; ++i) thousand.data[i] = static_cast<std::uint32_t>(999 - i);
  const DiscreteInfo thousand_info = mi_exact(thousand.view(), {}, 0);
  EXPECT_NEAR(thousand_info.h_t, std::log2(1000.0), 1e-13);
  EXPECT_LE(thousand_info.h_t, std::log2(1000.0));
}

TEST(EntropyTest, ConstantLayerGivesZero) {
  const std::vector<std::uint32_t> labels = szt_labels();
  for (const std::size_t n_cols : {std::size_t{1}, std::size_t{12}, std::size_t{20},
                                   std::size_t{1352}}) {
    Codes constant{std::vector<std::uint32_t>(4096 * n_cols, 17), 4096, n_cols};
    const DiscreteInfo info = mi_exact(constant.view(), labels, 2);
    EXPECT_EQ(info.n_states, 1U);
    EXPECT_EQ(info.h_t, 0.0);  // exactly
    EXPECT_EQ(info.i_ty, 0.0);
    EXPECT_NEAR(info.h_y, 0.9991571, 1e-7);
  }
  // 1000 samples, and zero columns (every row is the empty vector).
  Codes thousand{std::vector<std::uint32_t>(1000, 3), 1000, 1};
  EXPECT_EQ(mi_exact(thousand.view(), {}, 0).h_t, 0.0);
  Codes empty_rows{{}, 1000, 0};
  EXPECT_EQ(mi_exact(empty_rows.view(), {}, 0).n_states, 1U);
  EXPECT_EQ(mi_exact(empty_rows.view(), {}, 0).h_t, 0.0);
}

TEST(EntropyTest, DataProcessingInequalityForFunctionsOfT) {
  std::mt19937_64 rng(7);
  const std::vector<std::uint32_t> labels = szt_labels();
  for (int trial = 0; trial < 20; ++trial) {
    // T: a noisy layer of 4096 rows; f(T): coarser codes of the first columns of T.
    const std::size_t n_cols = 1 + rng() % 12;
    const Codes t = random_codes(rng, 4096, n_cols, 15, 1 + rng() % 4096, 0.3);
    Codes f{std::vector<std::uint32_t>(4096 * n_cols), 4096, n_cols};
    const unsigned shift = 1 + rng() % 3;
    const std::size_t kept = 1 + rng() % n_cols;
    for (std::size_t i = 0; i < 4096; ++i) {
      for (std::size_t j = 0; j < n_cols; ++j) {
        f.row(i)[j] = j < kept ? (t.view().row(i)[j] >> shift) : 0;
      }
    }
    const DiscreteInfo info_t = mi_exact(t.view(), labels, 2);
    const DiscreteInfo info_f = mi_exact(f.view(), labels, 2);
    EXPECT_LE(info_f.n_states, info_t.n_states);
    EXPECT_LE(info_f.h_t, info_t.h_t + 1e-12);
    EXPECT_LE(info_f.i_ty, info_t.i_ty + 1e-12);
    EXPECT_LE(info_t.i_ty, info_t.h_y);
    EXPECT_LE(info_t.h_t, 12.0);
  }
}

TEST(EntropyTest, WideRowsDifferingInOneColumnAreDistinct) {
  const std::size_t n_cols = 1352;
  const std::size_t n_rows = 3000;
  std::mt19937_64 rng(1352);
  std::vector<std::uint32_t> base(n_cols);
  for (auto& c : base) c = static_cast<std::uint32_t>(rng() % 256);
  Codes codes{std::vector<std::uint32_t>(n_rows * n_cols), n_rows, n_cols};
  // Row i < 2704 differs from the base row in column i % 1352 only (by +1 or +2 mod 256);
  // the rest repeat earlier rows.
  for (std::size_t i = 0; i < n_rows; ++i) {
    std::copy(base.begin(), base.end(), codes.row(i));
    const std::size_t k = i < 2704 ? i : i - 2704;
    codes.row(i)[k % n_cols] =
        (base[k % n_cols] + 1 + static_cast<std::uint32_t>(k / n_cols)) % 256;
  }
  std::vector<std::uint32_t> ids(n_rows);
  StateCounter counter;
  EXPECT_EQ(counter.assign(codes.view(), ids, 255), 2704U);
  for (std::size_t i = 0; i < 2704; ++i) ASSERT_EQ(ids[i], i);
  for (std::size_t i = 2704; i < n_rows; ++i) ASSERT_EQ(ids[i], i - 2704);
  expect_ids_on_all_paths(codes, 255);
}

TEST(EntropyStateCounterTest, IdsInFirstAppearanceOrder) {
  Codes codes{{5, 1, 3, 1, 5, 1, 7, 0, 3, 1}, 5, 2};
  std::vector<std::uint32_t> ids(5);
  StateCounter counter;
  EXPECT_EQ(counter.assign(codes.view(), ids, 7), 3U);
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{0, 1, 0, 2, 1}));
  EXPECT_EQ(counter.assign({nullptr, 0, 4}, {}, 7), 0U);
}

TEST(EntropyStateCounterTest, PackingBoundaries) {
  // (bits per code, columns): exactly 64 and 128 bits, and one bit more.
  const std::pair<unsigned, std::size_t> shapes[] = {
      {1, 64}, {8, 8}, {32, 2}, {16, 4},     // 64 bits: one word
      {5, 13}, {13, 5}, {1, 65}, {3, 22},    // 65 and 66 bits: two words
      {1, 128}, {8, 16}, {32, 4}, {4, 32},   // 128 bits: two words
      {3, 43}, {1, 129}, {2, 65}, {32, 5},         // 129 bits and more: row hash
      {8, 1}, {8, 7}, {8, 9}, {7, 10}, {8, 12},   // byte lanes, one and two words
      {4, 16}, {2, 12}, {6, 20}, {1, 17}};        // 8 bits or less, lanes of `bits` bits
  std::mt19937_64 rng(64128);
  for (const auto& [bits, n_cols] : shapes) {
    SCOPED_TRACE(::testing::Message() << bits << " bits x " << n_cols << " columns");
    const std::uint32_t max_code = bits == 32 ? UINT32_MAX : (1U << bits) - 1;
    // Rows that differ only in the top bit or the bottom bit of one code, at the first and
    // the last column, plus all-zero and all-max rows and random rows near the top.
    std::vector<std::vector<std::uint32_t>> rows;
    rows.push_back(std::vector<std::uint32_t>(n_cols, 0));
    rows.push_back(std::vector<std::uint32_t>(n_cols, max_code));
    for (const std::size_t j : {std::size_t{0}, n_cols / 2, n_cols - 1}) {
      for (const std::uint32_t value : {1U, max_code, max_code ^ 1U, max_code >> 1,
                                        (max_code >> 1) + 1}) {
        auto zeros = std::vector<std::uint32_t>(n_cols, 0);
        zeros[j] = value;
        rows.push_back(zeros);
        auto maxes = std::vector<std::uint32_t>(n_cols, max_code);
        maxes[j] = max_code - value;
        rows.push_back(maxes);
      }
    }
    for (int k = 0; k < 200; ++k) {
      std::vector<std::uint32_t> row(n_cols);
      for (auto& c : row) c = max_code - static_cast<std::uint32_t>(rng() % 3) * (max_code / 2);
      rows.push_back(row);
    }
    Codes codes{{}, 0, n_cols};
    for (int copy = 0; copy < 2; ++copy) {
      for (const auto& row : rows) {
        codes.data.insert(codes.data.end(), row.begin(), row.end());
        ++codes.n_rows;
      }
    }
    expect_ids_on_all_paths(codes, max_code);
    expect_same_info(mi_exact(codes.view(), {}, 0), mi_exact_naive(codes.view(), {}, 0));
  }
}

TEST(EntropyStateCounterTest, CollisionsNeverMergeStates) {
  // Every hash is 0: all rows land in one probe chain and only the full comparison
  // separates them, on every key path.
  std::mt19937_64 rng(99);
  for (const std::size_t n_cols : {std::size_t{3}, std::size_t{12}, std::size_t{40},
                                   std::size_t{700}}) {
    const Codes codes = random_codes(rng, 600, n_cols, 7, 300, 0.5);
    std::size_t n_expected = 0;
    const std::vector<std::uint32_t> expected = naive_ids(codes, n_expected);
    std::vector<std::uint32_t> ids(codes.n_rows);
    for (const bool force_row_hash : {false, true}) {
      for (const std::uint64_t mask :
           {std::uint64_t{0}, std::uint64_t{1} << 63, std::uint64_t{3}}) {
        StateCounter counter;
        counter.set_test_hashing(mask, force_row_hash);
        EXPECT_EQ(counter.assign(codes.view(), ids, 7), n_expected);
        EXPECT_EQ(ids, expected);
      }
    }
  }
}

TEST(EntropyStateCounterTest, ReusedAcrossShapesAndSizes) {
  // One counter for layers of every kind, in an order that changes slot layout and size.
  std::mt19937_64 rng(3);
  StateCounter counter;
  std::vector<std::uint32_t> ids;
  const std::size_t shapes[][2] = {{4096, 12}, {4096, 7}, {100, 2},   {5000, 40},
                                   {4096, 12}, {300, 500}, {4096, 3}, {4096, 3},
                                   {10, 20},   {4096, 12}, {50, 1},   {6000, 8}};
  for (int round = 0; round < 3; ++round) {
    for (const auto& shape : shapes) {
      const Codes codes = random_codes(rng, shape[0], shape[1], 255, 1 + rng() % shape[0], 0.2);
      std::size_t n_expected = 0;
      const std::vector<std::uint32_t> expected = naive_ids(codes, n_expected);
      ids.assign(codes.n_rows, 0);
      ASSERT_EQ(counter.assign(codes.view(), ids, 255), n_expected);
      ASSERT_EQ(ids, expected);
    }
  }
}

TEST(EntropyStateCounterTest, CodeAboveMaxCodeIsAnInternalError) {
  Codes codes{{1, 2, 3, 300}, 2, 2};
  std::vector<std::uint32_t> ids(2);
  StateCounter counter;
  EXPECT_THROW(counter.assign(codes.view(), ids, 255), std::logic_error);
  std::vector<std::uint32_t> short_ids(1);
  EXPECT_THROW(counter.assign(codes.view(), short_ids, 511), std::logic_error);
  // A max_code that is not 2^k - 1: codes whose OR exceeds it are still fine.
  Codes below{{136, 65, 65, 136, 136, 65}, 3, 2};
  std::vector<std::uint32_t> ids3(3);
  EXPECT_EQ(counter.assign(below.view(), ids3, 200), 2U);
  EXPECT_EQ(ids3, (std::vector<std::uint32_t>{0, 1, 0}));
}

TEST(EntropyTest, InfoFromIdsPathsAgree) {
  // Few classes use a dense joint table, many classes group samples by class; both must
  // equal the brute force, with the same scratch reused across calls.
  std::mt19937_64 rng(11);
  std::vector<std::uint32_t> scratch;
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 1 + rng() % 3000;
    const std::size_t n_states = 1 + rng() % n;
    const std::size_t n_classes = trial % 2 == 0 ? 1 + rng() % 4 : n / 2 + 1 + rng() % n;
    Codes codes{std::vector<std::uint32_t>(n), n, 1};
    std::vector<std::uint32_t> ids(n);
    for (std::size_t i = 0; i < n; ++i) {
      ids[i] = static_cast<std::uint32_t>(i < n_states ? i : rng() % n_states);
      codes.data[i] = ids[i];
    }
    const std::vector<std::uint32_t> labels = random_labels(rng, n, n_classes);
    expect_same_info(info_from_ids(ids, n_states, labels, n_classes, scratch),
                     mi_exact_naive(codes.view(), labels, n_classes));
  }
}

TEST(EntropyTest, EntropyBitsClosedForms) {
  const std::uint32_t uniform[] = {1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(entropy_bits(uniform, 8), 3.0);
  const std::uint32_t single[] = {0, 9, 0};
  EXPECT_EQ(entropy_bits(single, 9), 0.0);
  const std::uint32_t halves[] = {5, 0, 5};
  EXPECT_NEAR(entropy_bits(halves, 10), 1.0, 1e-15);
  const std::uint32_t quarter[] = {1, 3};
  EXPECT_NEAR(entropy_bits(quarter, 4), 2.0 - 0.75 * std::log2(3.0), 1e-15);
  EXPECT_EQ(entropy_bits({}, 0), 0.0);
  EXPECT_THROW(entropy_bits(quarter, 5), std::logic_error);
}

TEST(EntropyTest, LabelsOptionalAndEmptyInput) {
  Codes codes{{0, 1, 1, 2}, 4, 1};
  const DiscreteInfo info = mi_exact(codes.view(), {}, 0);
  EXPECT_EQ(info.n_states, 3U);
  EXPECT_EQ(info.h_t, 1.5);
  EXPECT_EQ(info.h_y, 0.0);
  EXPECT_EQ(info.i_ty, 0.0);
  const DiscreteInfo none = mi_exact({nullptr, 0, 3}, {}, 0);
  EXPECT_EQ(none.n, 0U);
  EXPECT_EQ(none.h_t, 0.0);
  const std::vector<std::uint32_t> bad_labels = {0, 1, 2, 0};
  EXPECT_THROW(mi_exact(codes.view(), bad_labels, 2), std::logic_error);
  const std::vector<std::uint32_t> short_labels = {0, 1};
  EXPECT_THROW(mi_exact(codes.view(), short_labels, 2), std::logic_error);
}

}  // namespace
}  // namespace infoplane::info
