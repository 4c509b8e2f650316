/// @brief Reader of IDX files (LeCun's format of MNIST and Fashion-MNIST), gzip or plain.
///
/// An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of
/// dimensions d), d big-endian 32-bit dimension sizes, then the values in row-major order.
/// Only unsigned bytes (type code 0x08) are read, the type of every image and label file
/// of MNIST and Fashion-MNIST.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace infoplane::data {

/// The contents of one IDX file of unsigned bytes.
struct IdxArray {
  std::vector<std::size_t> dims;     ///< e.g. {60000, 28, 28}
  std::vector<std::uint8_t> values;  ///< product of dims values, row-major
};

/// Reads an IDX file, gzip-compressed (detected from its content, whatever its name) or
/// plain. Checks the magic number (zero bytes, type 0x08, 1..4 dimensions), that no
/// dimension is 0, and that the file holds exactly the values its header announces.
/// Throws InputError naming the file for a missing, truncated, corrupt (bad gzip stream)
/// or inconsistent file.
IdxArray read_idx(const std::filesystem::path& path);

/// Parses the bytes of an uncompressed IDX file; `where` names it in error messages.
IdxArray parse_idx(const std::vector<std::uint8_t>& bytes, const std::string& where);

}  // namespace infoplane::data
