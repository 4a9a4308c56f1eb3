#include "libs/domain/lead_fields.h"

#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

namespace crm::leads {
namespace {

using google::protobuf::FieldMask;
using google::protobuf::util::MessageDifferencer;

v1::Lead SampleLead() {
  v1::Lead lead;
  lead.set_name("Renta 4 Banco");
  lead.set_tax_id("A82473018");
  lead.mutable_address()->set_street("Ps de la Habana 74");
  lead.mutable_address()->set_locality("Madrid");
  lead.mutable_address()->set_province("28");
  lead.mutable_phone1()->set_text("913848500");
  lead.set_cnae("6419");
  lead.set_source("public-register");
  lead.set_email1("info@example.es");
  return lead;
}

FieldMask Mask(std::initializer_list<const char*> paths) {
  FieldMask mask;
  for (const char* path : paths) mask.add_paths(path);
  return mask;
}

TEST(LeadFields, SplitKeepsPersonalDataApart) {
  const v1::LeadValues values = SplitValues(SampleLead());

  EXPECT_EQ(values.personal().name(), "Renta 4 Banco");
  EXPECT_EQ(values.personal().address().street(), "Ps de la Habana 74");
  EXPECT_EQ(values.personal().phone1().text(), "913848500");
  EXPECT_EQ(values.personal().address().locality(), "");
  EXPECT_EQ(values.personal().cnae(), "");
  EXPECT_EQ(values.details().name(), "");
  EXPECT_EQ(values.details().tax_id(), "");
  EXPECT_EQ(values.details().email1(), "");
  EXPECT_EQ(values.details().address().street(), "");
  EXPECT_EQ(values.details().address().locality(), "Madrid");
  EXPECT_EQ(values.details().cnae(), "6419");
}

TEST(LeadFields, JoinUndoesSplit) {
  const v1::Lead lead = SampleLead();
  EXPECT_TRUE(MessageDifferencer::Equals(JoinValues(SplitValues(lead)), lead));
}

TEST(LeadFields, OutputOnlyPathsIncludeDerivedValues) {
  EXPECT_TRUE(IsOutputOnlyPath("id"));
  EXPECT_TRUE(IsOutputOnlyPath("version"));
  EXPECT_TRUE(IsOutputOnlyPath("address.region"));
  EXPECT_TRUE(IsOutputOnlyPath("address.region.code"));
  EXPECT_TRUE(IsOutputOnlyPath("sector"));
  EXPECT_TRUE(IsOutputOnlyPath("phone1.e164"));
  EXPECT_FALSE(IsOutputOnlyPath("phone1"));
  EXPECT_FALSE(IsOutputOnlyPath("address"));
  EXPECT_FALSE(IsOutputOnlyPath("versions"));
  EXPECT_FALSE(IsOutputOnlyPath("name"));
}

TEST(LeadFields, CopyMaskedFieldsClearsUnsetNamedFields) {
  v1::Lead target = SampleLead();
  v1::Lead source;
  source.set_name("Renta 4");

  CopyMaskedFields(source, Mask({"name", "tax_id"}), &target);

  EXPECT_EQ(target.name(), "Renta 4");
  EXPECT_EQ(target.tax_id(), "");
  EXPECT_EQ(target.cnae(), "6419");
}

TEST(LeadFields, CopyMaskedFieldsReplacesNamedMessageWhole) {
  v1::Lead target = SampleLead();
  v1::Lead source;
  source.mutable_address()->set_locality("Alcobendas");

  CopyMaskedFields(source, Mask({"address"}), &target);

  EXPECT_EQ(target.address().locality(), "Alcobendas");
  EXPECT_EQ(target.address().street(), "");
}

TEST(LeadFields, CopyMaskedFieldsReachesIntoMessages) {
  v1::Lead target = SampleLead();
  v1::Lead source;
  source.mutable_address()->set_postal_code("28036");

  CopyMaskedFields(source, Mask({"address.postal_code"}), &target);

  EXPECT_EQ(target.address().postal_code(), "28036");
  EXPECT_EQ(target.address().street(), "Ps de la Habana 74");
}

TEST(LeadFields, ChangedPathsListsOnlyRealChanges) {
  const v1::Lead before = SampleLead();
  v1::Lead after = before;
  after.set_cnae("6420");

  const FieldMask changed =
      ChangedPaths(before, after, Mask({"name", "cnae", "address"}));

  ASSERT_EQ(changed.paths_size(), 1);
  EXPECT_EQ(changed.paths(0), "cnae");
}

}  // namespace
}  // namespace crm::leads
