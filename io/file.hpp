// Whole-file reads, read-only file mappings and atomic whole-file writes.
// Every reader opens with O_NONBLOCK and checks that the path is a regular file before reading,
// so a FIFO or a device is refused at once instead of blocking.
// write_file_atomic writes a temporary file in the same folder, fsyncs it, then renames it over
// the target: a reader (or a crash) sees either the old file or the new one, never a mix. On a
// thrown error the temporary file is removed; after a SIGKILL it stays behind as
// ".<name>.tmp-<host>-<pid>-<n>" and the target is untouched. The next save of the same target
// removes such leftovers whose process is gone (same host, pid no longer running); a temporary
// file of a process still running (another save of the same target at this moment) is kept.
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

// A regular file mapped read-only (empty files map to an empty span). The mapping stays valid
// while the object lives; a file truncated by another program meanwhile can raise SIGBUS on
// access (dynagrad's own writes replace files by rename, never in place).
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // IoError: missing, unreadable, not a regular file
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::span<const std::byte> bytes() const { return {data_, size_}; }

 private:
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

// Creates `dir` if missing and checks that files can be created in it (by creating and removing
// a probe file) and that none of `names` inside it is an existing folder; IoError naming the
// folder or the name otherwise. For programs that must refuse an unusable output folder before
// any long work.
void require_writable_dir(const std::string& dir, const std::vector<std::string>& names = {});

void write_file_atomic(const std::string& path, std::span<const std::byte> bytes);
void write_file_atomic(const std::string& path, std::string_view text);

}  // namespace dg::io
