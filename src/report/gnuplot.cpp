/// @brief Running gnuplot on the scripts the plotter writes, and small script-writing helpers.
#include "infoplane/report/gnuplot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace infoplane::report {

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The last few non-empty lines of gnuplot's stderr, joined into one line.
std::string last_lines(const std::string& text, std::size_t n) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line.find_first_not_of(" ^") != std::string::npos)
      lines.push_back(line);
  }
  std::string out;
  for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) {
    if (!out.empty()) out += " | ";
    out += lines[i];
  }
  return out;
}

struct Running {
  const GnuplotJob* job = nullptr;
  pid_t pid = -1;
  std::filesystem::path log;
};

Running start(const std::filesystem::path& gnuplot, const GnuplotJob& job) {
  Running r;
  r.job = &job;
  r.log = job.dir / ("." + job.name + ".log");
  std::string formats;
  for (const std::string& f : job.formats) formats += (formats.empty() ? "" : " ") + f;
  const std::string vars = "formats=\"" + formats + "\"; outbase=\"." + job.name + ".tmp\"";
  const std::string script = job.name + ".gp";
  const std::string dir = job.dir.string();
  const std::string log = r.log.string();
  const std::string program = gnuplot.string();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  std::vector<char*> argv = {const_cast<char*>(program.c_str()), const_cast<char*>("-e"),
                             const_cast<char*>(vars.c_str()),
                             const_cast<char*>(script.c_str()), nullptr};
  const int rc = posix_spawn(&r.pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    input_error("plot: cannot start {}: {}", program, std::strerror(rc));
  return r;
}

/// Waits for one job; returns an error message, or "" on success.
std::string finish(const Running& r, std::vector<std::filesystem::path>& images) {
  int status = 0;
  while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string log = read_text(r.log);
  std::error_code ec;
  std::filesystem::remove(r.log, ec);
  const GnuplotJob& job = *r.job;
  const std::string script = (job.dir / (job.name + ".gp")).string();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fmt::format("plot: gnuplot failed on {}: {}", script,
                       log.empty() ? "no message" : last_lines(log, 3));
  for (const std::string& f : job.formats) {
    const auto tmp = job.dir / ("." + job.name + ".tmp." + f);
    const auto out = job.dir / (job.name + "." + f);
    if (!std::filesystem::exists(tmp) || std::filesystem::file_size(tmp) == 0)
      return fmt::format("plot: gnuplot made no {} from {}{}", f, script,
                         log.empty() ? "" : ": " + last_lines(log, 3));
    std::filesystem::rename(tmp, out);
    images.push_back(out);
  }
  return {};
}

}  // namespace

std::filesystem::path find_gnuplot() {
  if (const char* env = std::getenv("INFOPLANE_GNUPLOT"); env != nullptr && *env != '\0') {
    if (::access(env, X_OK) == 0) return env;
    throw GnuplotMissing(fmt::format(
        "plot: INFOPLANE_GNUPLOT={} is not an executable program; expected the path of "
        "gnuplot (Debian/Ubuntu: sudo apt-get install gnuplot-nox)", env));
  }
  const char* path = std::getenv("PATH");
  std::stringstream ss(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(ss, dir, ':');) {
    if (dir.empty()) continue;
    const std::filesystem::path candidate = std::filesystem::path(dir) / "gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw GnuplotMissing(
      "plot: gnuplot is not installed (not found on PATH); install it with "
      "`sudo apt-get install gnuplot-nox` (Debian/Ubuntu; macOS: `brew install gnuplot`), "
      "or set INFOPLANE_GNUPLOT to its path. The data and scripts are written: run "
      "`gnuplot NAME.gp` in the figures folder once it is installed");
}

std::vector<std::filesystem::path> run_gnuplot(std::span<const GnuplotJob> jobs,
                                               std::size_t parallel) {
  std::vector<std::filesystem::path> images;
  if (jobs.empty()) return images;
  const std::filesystem::path gnuplot = find_gnuplot();
  if (parallel == 0) parallel = 1;
  std::vector<Running> running;
  std::string error;
  std::size_t next = 0;
  while (next < jobs.size() || !running.empty()) {
    while (next < jobs.size() && running.size() < parallel && error.empty())
      running.push_back(start(gnuplot, jobs[next++]));
    if (running.empty()) break;
    // Jobs are waited for in start order, so images come out in job order.
    const std::string e = finish(running.front(), images);
    running.erase(running.begin());
    if (error.empty()) error = e;
    if (!error.empty()) next = jobs.size();
  }
  if (!error.empty()) throw InputError(error);
  return images;
}

std::string gp_string(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') out += "''";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  out += "'";
  return out;
}

}  // namespace infoplane::report
