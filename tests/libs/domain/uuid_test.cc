#include "libs/domain/uuid.h"

#include <gtest/gtest.h>

namespace crm::leads {
namespace {

TEST(Uuid, NewIdIsCanonicalVersion7) {
  const std::string id = NewUuidV7(absl::Now());
  EXPECT_TRUE(IsCanonicalUuid(id));
  EXPECT_EQ(id[14], '7');
  EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
}

TEST(Uuid, LaterMillisecondSortsAfter) {
  const absl::Time now = absl::FromUnixMillis(1'700'000'000'000);
  EXPECT_LT(NewUuidV7(now), NewUuidV7(now + absl::Milliseconds(1)));
}

TEST(Uuid, EncodesUnixMilliseconds) {
  const std::string id = NewUuidV7(absl::FromUnixMillis(0x0123456789ab));
  EXPECT_EQ(id.substr(0, 13), "01234567-89ab");
}

TEST(Uuid, TwoIdsInOneMillisecondDiffer) {
  const absl::Time now = absl::Now();
  EXPECT_NE(NewUuidV7(now), NewUuidV7(now));
}

TEST(Uuid, RefusesMalformedText) {
  EXPECT_TRUE(IsCanonicalUuid("0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b"));
  EXPECT_TRUE(IsCanonicalUuid("0190A5B2-7C3D-7E4F-8A1B-2C3D4E5F6A7B"));
  EXPECT_FALSE(IsCanonicalUuid(""));
  EXPECT_FALSE(IsCanonicalUuid("0190a5b27c3d7e4f8a1b2c3d4e5f6a7b"));
  EXPECT_FALSE(IsCanonicalUuid("0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7g"));
  EXPECT_FALSE(IsCanonicalUuid("0190a5b2-7c3d-7e4f-8a1b2-c3d4e5f6a7b"));
}

}  // namespace
}  // namespace crm::leads
