// Whole-file reads, mappings and atomic writes on POSIX file descriptors (see file.hpp).
#include "io/file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "io/error.hpp"

namespace dg::io {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int err) {
  throw IoError(path + ": " + what + ": " + std::strerror(err));
}

// Closes a descriptor when it goes out of scope (errors on this path are reported elsewhere).
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The folder holding `path` ("." for a bare name), used for the temp file and the folder fsync.
std::string parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void write_all(int fd, const std::byte* data, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail(path, "write failed", errno);
    }
    data += w;
    n -= static_cast<std::size_t>(w);
  }
}

// Opens a file for reading and checks that it is a regular file. O_NONBLOCK: opening a FIFO
// would otherwise wait for a writer (it changes nothing for regular files).
void open_regular(const std::string& path, Fd& f, struct stat& st) {
  f.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (f.fd < 0) fail(path, "cannot open for reading", errno);
  if (::fstat(f.fd, &st) != 0) fail(path, "cannot stat", errno);
  if (S_ISDIR(st.st_mode)) throw IoError(path + ": not a regular file (a folder)");
  if (!S_ISREG(st.st_mode)) throw IoError(path + ": not a regular file (a FIFO, socket or device)");
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  std::string h = buf;
  for (char& c : h)
    if (c == '/') c = '_';
  return h;
}

// Digits only, as a pid; -1 otherwise.
long parse_pid(const std::string& s) {
  if (s.empty() || s.size() > 18) return -1;
  long v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Removes ".<base>.tmp-<host>-<pid>-<n>" files in `dir` left by killed saves of the same target:
// this host's, whose process no longer exists. A file of a running process (a concurrent save of
// the same target, in this process or another) is never touched; neither are other hosts' files
// (a folder shared over the network). Best effort: errors are ignored.
void remove_stale_temporaries(const std::string& dir, const std::string& base, const std::string& host) {
  const std::string prefix = "." + base + ".tmp-";
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());  // host-pid-n
    const auto last = rest.rfind('-');
    if (last == std::string::npos || last == 0 || parse_pid(rest.substr(last + 1)) < 0) continue;
    const auto before = rest.rfind('-', last - 1);
    if (before == std::string::npos || rest.substr(0, before) != host) continue;
    const long pid = parse_pid(rest.substr(before + 1, last - before - 1));
    if (pid <= 0 || pid > 0x3FFFFFFF) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // running (or not ours to judge)
    ::unlink(it->path().c_str());
  }
}

}  // namespace

MappedFile::MappedFile(const std::string& path) {
  Fd f;
  struct stat st {};
  open_regular(path, f, st);
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ == 0) return;
  void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, f.fd, 0);
  if (p == MAP_FAILED) fail(path, "cannot map for reading", errno);
  data_ = static_cast<const std::byte*>(p);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<std::byte*>(data_), size_);
}

void require_writable_dir(const std::string& dir, const std::vector<std::string>& names) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir, ec))
    throw IoError(dir + ": cannot create the folder" + (ec ? ": " + ec.message() : std::string(" (a file is in the way)")));
  // A probe file: the only test that also sees read-only mounts, ACLs and quotas.
  const std::string probe = dir + "/.dynagrad-write-test-" + host_name() + "-" + std::to_string(::getpid());
  Fd f{::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
  if (f.fd < 0) fail(dir, "cannot create files in this folder", errno);
  ::unlink(probe.c_str());
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    if (std::filesystem::is_directory(path, ec)) throw IoError(path + ": is a folder, it cannot be replaced by a file");
  }
}

std::vector<std::byte> read_file(const std::string& path) {
  Fd f;
  struct stat st {};
  open_regular(path, f, st);

  // Read until end of file; st_size is only a hint (the file may change while we read).
  std::vector<std::byte> bytes;
  bytes.reserve(static_cast<std::size_t>(st.st_size));
  std::byte chunk[1 << 16];
  for (;;) {
    const ssize_t r = ::read(f.fd, chunk, sizeof chunk);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail(path, "read failed", errno);
    }
    if (r == 0) break;
    bytes.insert(bytes.end(), chunk, chunk + r);
  }
  return bytes;
}

std::string read_text_file(const std::string& path) {
  const std::vector<std::byte> bytes = read_file(path);
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void write_file_atomic(const std::string& path, std::span<const std::byte> bytes) {
  if (path.empty() || path.back() == '/') throw IoError("'" + path + "': not a file name");
  const std::string dir = parent_dir(path);

  // A fresh temp name in the same folder (same file system, so rename is atomic). O_EXCL makes
  // two writers (threads or processes) never share one; mode 0666 is filtered by the umask.
  static std::atomic<unsigned> counter{0};
  static const std::string host = host_name();
  remove_stale_temporaries(dir, base_name(path), host);
  std::string tmp;
  Fd f;
  for (int attempt = 0; f.fd < 0; ++attempt) {
    tmp = dir + "/." + base_name(path) + ".tmp-" + host + "-" + std::to_string(::getpid()) + "-" +
          std::to_string(counter.fetch_add(1));
    f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (f.fd < 0 && (errno != EEXIST || attempt > 100)) fail(path, "cannot create temporary file " + tmp, errno);
  }

  // Write, flush to disk and rename; on any failure remove the temp file and rethrow.
  try {
    write_all(f.fd, bytes.data(), bytes.size(), path);
    if (::fsync(f.fd) != 0) fail(path, "fsync failed", errno);
    const int fd = f.fd;
    f.fd = -1;
    if (::close(fd) != 0) fail(path, "close failed", errno);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail(path, "cannot rename temporary file over it", errno);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }

  // Make the rename itself durable (best effort: some file systems refuse fsync on folders).
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);
}

void write_file_atomic(const std::string& path, std::string_view text) {
  write_file_atomic(path, std::as_bytes(std::span<const char>(text.data(), text.size())));
}

}  // namespace dg::io
