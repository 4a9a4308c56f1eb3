#ifndef CRM_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define CRM_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <gmock/gmock.h>

namespace crm::testing {

inline const absl::Status& StatusOf(const absl::Status& status) {
  return status;
}

template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = StatusOf(arg);
  *result_listener << status.ToString();
  return status.ok();
}

MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(code)) {
  const absl::Status& status = StatusOf(arg);
  *result_listener << status.ToString();
  return status.code() == code;
}

}  // namespace crm::testing

#endif  // CRM_TESTS_SUPPORT_STATUS_MATCHERS_H_
