// Convolution engine choices on disk: see conv_cache.h.
#include "conv_cache.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <cuda_runtime.h>

namespace eproxy {

namespace {

// $EPROXY_CONV_CACHE, or conv-<GPU model>-cudnn<version>.tsv under $XDG_CACHE_HOME/eproxy or
// ~/.cache/eproxy (made if missing); empty with the reason in why_not where none can be had.
std::string choose_path(size_t cudnn_version, std::string& why_not) {
  const char* named = std::getenv("EPROXY_CONV_CACHE");
  if (named != nullptr && named[0] != '\0') {
    if (std::strcmp(named, "0") == 0) why_not = "disabled by EPROXY_CONV_CACHE=0";
    return std::strcmp(named, "0") == 0 ? "" : named;
  }
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  if ((xdg == nullptr || xdg[0] == '\0') && (home == nullptr || home[0] == '\0')) {
    why_not = "neither XDG_CACHE_HOME nor HOME is set";
    return "";
  }
  std::string dir = xdg != nullptr && xdg[0] != '\0' ? std::string(xdg) : std::string(home) + "/.cache";
  mkdir(dir.c_str(), 0755);
  dir += "/eproxy";
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    why_not = "cannot make " + dir + ": " + std::strerror(errno);
    return "";
  }
  int device = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&device) != cudaSuccess || cudaGetDeviceProperties(&prop, device) != cudaSuccess) {
    cudaGetLastError();
    why_not = "the GPU's model cannot be read";
    return "";
  }
  std::string model;
  for (const char* c = prop.name; *c != '\0'; c++) {
    model += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
  }
  return dir + "/conv-" + model + "-cudnn" + std::to_string(cudnn_version) + ".tsv";
}

}  // namespace

void ConvCache::open(size_t cudnn_version) {
  if (opened_) {
    return;
  }
  opened_ = true;
  path_ = choose_path(cudnn_version, why_not_);
  if (path_.empty()) {
    return;
  }
  std::ifstream in(path_);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    ConvKey k{};
    ConvTiming t{};
    for (int& v : k) fields >> v;
    for (int d = 0; d < 3; d++) fields >> t.own_ms[d] >> t.cudnn_ms[d] >> t.algo[d] >> t.memory[d];
    if (fields) {
      entries.emplace(k, t);  // the first line of a shape wins, should two processes have measured it
    }
  }
}

void ConvCache::add(const ConvKey& key, const ConvTiming& t) {
  entries.emplace(key, t);
  if (path_.empty()) {
    return;
  }
  FILE* f = std::fopen(path_.c_str(), "a");
  if (f == nullptr) {
    why_not_ = "cannot write " + path_ + ": " + std::strerror(errno);
    path_.clear();
    return;
  }
  for (int v : key) std::fprintf(f, "%d\t", v);
  for (int d = 0; d < 3; d++) {
    std::fprintf(f, "%.6g\t%.6g\t%d\t%zu%s", t.own_ms[d], t.cudnn_ms[d], t.algo[d], t.memory[d], d < 2 ? "\t" : "\n");
  }
  std::fclose(f);
}

std::string ConvCache::describe() const {
  if (!opened_) {
    return "no choice made yet";
  }
  return path_.empty() ? "choices not kept on disk: " + why_not_ : "choices kept in " + path_;
}

}  // namespace eproxy
