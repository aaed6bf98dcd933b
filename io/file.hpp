// Whole-file reads and atomic whole-file writes.
// write_file_atomic writes a temporary file in the same folder, fsyncs it, then renames it over
// the target: a reader (or a crash) sees either the old file or the new one, never a mix. On a
// thrown error the temporary file is removed; after a SIGKILL it stays behind as
// ".<name>.tmp-<pid>-<n>" and the target is untouched.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dg::io {

// All bytes of a regular file; IoError if it is missing, unreadable or not a regular file.
std::vector<std::byte> read_file(const std::string& path);
std::string read_text_file(const std::string& path);

void write_file_atomic(const std::string& path, std::span<const std::byte> bytes);
void write_file_atomic(const std::string& path, std::string_view text);

}  // namespace dg::io
