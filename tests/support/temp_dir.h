#ifndef CRM_TESTS_SUPPORT_TEMP_DIR_H_
#define CRM_TESTS_SUPPORT_TEMP_DIR_H_

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace crm::testing {

// A fresh directory under the test's temporary directory, removed when the
// object goes away.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ =
        std::filesystem::path(::testing::TempDir()) /
        ("crm-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }

  ~TempDir() { std::filesystem::remove_all(path_); }

  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace crm::testing

#endif  // CRM_TESTS_SUPPORT_TEMP_DIR_H_
