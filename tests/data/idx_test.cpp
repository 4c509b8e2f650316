/// @brief IDX reader and MNIST loader: the shipped files (counts, label histograms,
/// checksums) and truncated or corrupt inputs.
#include "infoplane/data/idx.h"

#include <zlib.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "infoplane/common.h"
#include "infoplane/data/mnist.h"
#include "infoplane/data/table.h"

namespace infoplane::data {
namespace {

namespace fs = std::filesystem;

std::uint32_t crc(const std::vector<std::uint8_t>& values) {
  return static_cast<std::uint32_t>(::crc32(0L, values.data(), static_cast<uInt>(values.size())));
}

/// A fresh temporary folder per test.
class TempDir {
 public:
  TempDir() : m_path(fs::temp_directory_path() / ("infoplane-idx-" + std::to_string(::getpid()) + "-" +
                                                   ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(m_path);
    fs::create_directories(m_path);
  }
  ~TempDir() { fs::remove_all(m_path); }
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

void write_bytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void write_gzip(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
}

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// An uncompressed IDX file of unsigned bytes.
std::vector<std::uint8_t> idx_bytes(const std::vector<std::uint32_t>& dims, std::size_t n_values, std::uint8_t fill = 7) {
  std::vector<std::uint8_t> bytes{0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
  for (const std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(d >> shift));
  }
  bytes.insert(bytes.end(), n_values, fill);
  return bytes;
}

void expect_input_error(const fs::path& path, const std::string& fragment) {
  try {
    read_idx(path);
    FAIL() << "no error for " << path;
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST(Idx, ShippedMnistFilesHaveTheirCountsAndChecksums) {
  const fs::path dir = data_dir() / "mnist";
  const IdxArray train_images = read_idx(dir / "train-images-idx3-ubyte.gz");
  EXPECT_EQ(train_images.dims, (std::vector<std::size_t>{60000, 28, 28}));
  EXPECT_EQ(crc(train_images.values), 0xf3639b56U);
  const IdxArray test_images = read_idx(dir / "t10k-images-idx3-ubyte.gz");
  EXPECT_EQ(test_images.dims, (std::vector<std::size_t>{10000, 28, 28}));
  EXPECT_EQ(crc(test_images.values), 0xe4ca5f57U);
  const IdxArray train_labels = read_idx(dir / "train-labels-idx1-ubyte.gz");
  EXPECT_EQ(train_labels.dims, (std::vector<std::size_t>{60000}));
  EXPECT_EQ(crc(train_labels.values), 0xba07e8efU);
  const IdxArray test_labels = read_idx(dir / "t10k-labels-idx1-ubyte.gz");
  EXPECT_EQ(crc(test_labels.values), 0xee8604d9U);

  std::array<std::size_t, 10> train_hist{}, test_hist{};
  for (const std::uint8_t y : train_labels.values) ++train_hist.at(y);
  for (const std::uint8_t y : test_labels.values) ++test_hist.at(y);
  EXPECT_EQ(train_hist, (std::array<std::size_t, 10>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}));
  EXPECT_EQ(test_hist, (std::array<std::size_t, 10>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));
}

TEST(Idx, PlainAndGzipFilesReadTheSame) {
  TempDir tmp;
  const std::vector<std::uint8_t> bytes = idx_bytes({3, 2, 2}, 12, 200);
  write_bytes(tmp.path() / "plain", bytes);
  write_gzip(tmp.path() / "packed.gz", bytes);
  const IdxArray plain = read_idx(tmp.path() / "plain");
  const IdxArray packed = read_idx(tmp.path() / "packed.gz");
  EXPECT_EQ(plain.dims, (std::vector<std::size_t>{3, 2, 2}));
  EXPECT_EQ(plain.values, std::vector<std::uint8_t>(12, 200));
  EXPECT_EQ(packed.dims, plain.dims);
  EXPECT_EQ(packed.values, plain.values);
}

TEST(Idx, TruncatedAndCorruptFilesAreInputErrorsNamingTheFile) {
  TempDir tmp;
  const fs::path dir = tmp.path();
  // A gzip stream cut in the middle.
  const std::vector<std::uint8_t> gz = read_bytes(data_dir() / "mnist" / "t10k-labels-idx1-ubyte.gz");
  write_bytes(dir / "cut.gz", std::vector<std::uint8_t>(gz.begin(), gz.begin() + static_cast<std::ptrdiff_t>(gz.size() / 2)));
  expect_input_error(dir / "cut.gz", "truncated");
  // A gzip stream with its deflate body overwritten.
  std::vector<std::uint8_t> bad = gz;
  for (std::size_t i = 20; i < 200; ++i) bad[i] = static_cast<std::uint8_t>(i * 37);
  write_bytes(dir / "corrupt.gz", bad);
  expect_input_error(dir / "corrupt.gz", "corrupt");
  // Bad magic numbers, types and dimension counts.
  std::vector<std::uint8_t> magic = idx_bytes({4}, 4);
  magic[1] = 1;
  write_bytes(dir / "magic", magic);
  expect_input_error(dir / "magic", "not an IDX file");
  std::vector<std::uint8_t> type = idx_bytes({4}, 4);
  type[2] = 0x0D;
  write_bytes(dir / "type", type);
  expect_input_error(dir / "type", "0x0d");
  std::vector<std::uint8_t> dims = idx_bytes({4}, 4);
  dims[3] = 0;
  write_bytes(dir / "dims", dims);
  expect_input_error(dir / "dims", "0 dimensions");
  // Too few and too many values for the header; a zero dimension; a short header.
  write_bytes(dir / "short", idx_bytes({10, 5}, 49));
  expect_input_error(dir / "short", "announces 50");
  write_gzip(dir / "long.gz", idx_bytes({10, 5}, 51));
  expect_input_error(dir / "long.gz", "announces 50");
  write_bytes(dir / "zero", idx_bytes({10, 0}, 0));
  expect_input_error(dir / "zero", "dimension 1 is 0");
  write_bytes(dir / "header", {0, 0, 8, 3, 0, 0});
  expect_input_error(dir / "header", "truncated IDX header");
  write_bytes(dir / "empty", {});
  expect_input_error(dir / "empty", "not an IDX file");
  expect_input_error(dir / "missing.gz", "no such IDX file");
}

TEST(Mnist, LoadsTheOfficialSplitScaledToUnitRange) {
  const Dataset d = load_mnist();
  ASSERT_EQ(d.n_samples(), 70000U);
  EXPECT_EQ(d.n_features(), 784U);
  EXPECT_EQ(d.n_classes, 10U);
  ASSERT_EQ(d.train.size(), 60000U);
  ASSERT_EQ(d.test.size(), 10000U);
  EXPECT_EQ(d.train.front(), 0U);
  EXPECT_EQ(d.test.front(), 60000U);
  EXPECT_EQ(d.image_shape, (std::vector<std::size_t>{1, 28, 28}));
  EXPECT_EQ(d.x.minCoeff(), 0.0f);
  EXPECT_EQ(d.x.maxCoeff(), 1.0f);
  // The first training image's pixel sum is 27525 / 255; its label is 5.
  EXPECT_NEAR(d.x.row(0).cast<double>().sum(), 27525.0 / 255.0, 1e-3);
  EXPECT_EQ(d.y[0], 5U);
  EXPECT_NEAR(label_entropy_bits(d), 3.3199, 1e-3);
}

TEST(Mnist, MissingFilesAndMismatchedCountsNameTheFile) {
  TempDir tmp;
  const fs::path dir = tmp.path();
  write_gzip(dir / "train-images-idx3-ubyte.gz", idx_bytes({3, 2, 2}, 12));
  write_gzip(dir / "train-labels-idx1-ubyte.gz", idx_bytes({3}, 3, 1));
  write_bytes(dir / "t10k-images-idx3-ubyte", idx_bytes({2, 2, 2}, 8));
  try {
    load_idx_dataset(dir, "tiny");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t10k-labels-idx1-ubyte"), std::string::npos) << e.what();
  }
  write_bytes(dir / "t10k-labels-idx1-ubyte", idx_bytes({3}, 3, 0));
  try {
    load_idx_dataset(dir, "tiny");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("3 labels for 2 images"), std::string::npos) << e.what();
  }
  write_bytes(dir / "t10k-labels-idx1-ubyte", idx_bytes({2}, 2, 0));
  const Dataset d = load_idx_dataset(dir, "tiny");
  EXPECT_EQ(d.n_samples(), 5U);
  EXPECT_EQ(d.n_classes, 2U);
  EXPECT_EQ(d.train.size(), 3U);
  EXPECT_EQ(d.test, (std::vector<std::uint32_t>{3, 4}));
  EXPECT_FLOAT_EQ(d.x(0, 0), 7.0f / 255.0f);
}

TEST(Subset, KeepsTheSplitProportionsAndOrder) {
  Dataset d = load_mnist();
  take_subset(d, 2000);
  EXPECT_EQ(d.n_samples(), 2000U);
  EXPECT_EQ(d.train.size(), 1714U);
  EXPECT_EQ(d.test.size(), 286U);
  EXPECT_EQ(d.test.front(), 1714U);
  EXPECT_EQ(d.y[0], 5U);
  EXPECT_EQ(d.x.rows(), 2000);
}

TEST(CsvDataset, FeaturesAndALabelColumn) {
  TempDir tmp;
  const fs::path file = tmp.path() / "data.csv";
  {
    std::ofstream out(file);
    out << "a,label,b\n# comment\n0.5, 3, 1\n1.5,7,2\n2.5,3,3\n";
  }
  const Dataset d = load_csv_dataset(file, 1);
  EXPECT_EQ(d.n_samples(), 3U);
  EXPECT_EQ(d.n_features(), 2U);
  EXPECT_EQ(d.n_classes, 2U);
  EXPECT_EQ(d.y, (std::vector<std::uint32_t>{0, 1, 0}));
  EXPECT_FLOAT_EQ(d.x(1, 0), 1.5f);
  EXPECT_FLOAT_EQ(d.x(2, 1), 3.0f);
  {
    std::ofstream out(file);
    out << "1,2,0\n1,x,1\n";
  }
  try {
    load_csv_dataset(file);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("data.csv:2: column 2"), std::string::npos) << e.what();
  }  // A spreadsheet export's byte-order mark is read; a feature beyond float32 is refused.
  {
    std::ofstream out(file, std::ios::binary);
    out << "\xEF\xBB\xBF" << "0.5,1\n1.5,2\n";  // no header: the mark must not hide a row
  }
  EXPECT_EQ(load_csv_dataset(file).n_samples(), 2U);
  {
    std::ofstream out(file);
    out << "0.5,1\n-1e39,2\n";
  }
  try {
    load_csv_dataset(file);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("data.csv:2: column 1 does not fit in float32; got '-1e39'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace infoplane::data
