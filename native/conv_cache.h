// The convolution engine choices (conv_cudnn.h), kept on disk per GPU model and cuDNN version.
// The hand-written kernels and cuDNN sum in different orders, so which one runs a layer changes a
// score's last bits (and ten steps at lr 1.2 grow that). Measured afresh in every process, a close
// race could fall either way; read back from this file, every process on the machine makes the
// same choice and repeats its scores to the bit. One line per layer shape, appended as it is
// measured; delete the file to measure again. EPROXY_CONV_CACHE names the file, or 0 for none.
#ifndef EPROXY_CONV_CACHE_H
#define EPROXY_CONV_CACHE_H

#include <array>
#include <cstddef>
#include <map>
#include <string>

namespace eproxy {

// A layer shape: input NCHW, output NCHW, kernel, stride, padding, dilation, groups.
using ConvKey = std::array<int, 13>;

// What was measured for one shape, per direction (forward, data gradient, weight gradient).
struct ConvTiming {
  float own_ms[3];
  float cudnn_ms[3];  // < 0: no usable cuDNN algorithm (or cuDNN refused the shape)
  int algo[3];
  size_t memory[3];  // workspace bytes of algo
};

class ConvCache {
 public:
  // Reads the file of the current CUDA device's model and this cuDNN version, once.
  void open(size_t cudnn_version);
  // Records a new measurement, in memory and at the end of the file.
  void add(const ConvKey& key, const ConvTiming& timing);
  // "choices kept in PATH", or why not.
  std::string describe() const;

  std::map<ConvKey, ConvTiming> entries;

 private:
  bool opened_ = false;
  std::string path_;     // empty: not kept on disk
  std::string why_not_;
};

}  // namespace eproxy

#endif  // EPROXY_CONV_CACHE_H
