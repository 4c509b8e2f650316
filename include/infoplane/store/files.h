/// @brief The one way infoplane writes and reads the files of a run directory and its
/// figures: atomic writes, whole-file reads, CRC-32 checksums.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace infoplane::store {

/// Writes `content` to `path` through a temporary file in the same folder (PATH.tmp-PID),
/// fsync and a rename, so that a reader never sees a half-written file. Throws InputError
/// naming the path on failure (no space left, file too large, permission denied).
/// For fault-injection tests, the environment variable INFOPLANE_KILL_AT_WRITE=N makes the
/// process kill itself (SIGKILL) in its N-th call, after the temporary file is written and
/// before the rename: exactly what a crash there leaves on disk.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

/// Reads a whole file; throws InputError naming the path when it cannot.
std::string read_file(const std::filesystem::path& path);

/// CRC-32 of `data` (zlib's crc32: the polynomial of gzip, zip and PNG) as 8 lowercase hex
/// digits.
std::string crc32_hex(std::string_view data);

/// The current time in UTC as the manifest records it, e.g. "2026-12-06T01:34:17Z".
std::string utc_now();

}  // namespace infoplane::store
