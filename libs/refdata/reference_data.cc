#include "libs/refdata/reference_data.h"

#include <sodium.h>

#include <cstdlib>
#include <iostream>
#include <utility>
#include <vector>

#include <absl/status/status.h>
#include <absl/strings/ascii.h>
#include <absl/strings/escaping.h>
#include <absl/strings/str_cat.h>

#include "libs/refdata/csv_reader.h"
#include "libs/refdata/embedded_tables.h"

namespace crm::refdata {

namespace {

// How many hex digits of the tables' digest the version carries.
constexpr size_t kVersionHexDigits = 12;

constexpr absl::string_view kEconomicZones[] = {"ES", "EU", "EEA_EFTA", "ROW"};

// A row of the CNAE table, before classes are linked to their sections.
struct CnaeNode {
  std::string level;
  std::string parent;
  std::string title;
};

using CnaeTree = absl::flat_hash_map<std::string, CnaeNode>;

bool IsDigits(absl::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

bool IsLetters(absl::string_view text, size_t length, bool upper) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (upper ? !absl::ascii_isupper(c) : !absl::ascii_islower(c)) {
      return false;
    }
  }
  return true;
}

absl::Status BadRow(absl::string_view table, size_t index,
                    absl::string_view rule) {
  return absl::InvalidArgumentError(
      absl::StrCat(table, ": data row ", index + 1, " ", rule));
}

// Whether `code` has the shape of a CNAE code of `level`.
bool IsCnaeCode(absl::string_view level, absl::string_view code) {
  if (level == "section") return IsLetters(code, 1, /*upper=*/true);
  if (level == "division") return IsDigits(code, 2);
  if (level == "group") return IsDigits(code, 3);
  if (level == "class") return IsDigits(code, 4);
  return false;
}

absl::StatusOr<CnaeTree> ReadCnaeTree(absl::string_view text) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ReadTable("cnae2009", text, {"code", "level", "parent", "title_es"});
  if (!rows.ok()) return rows.status();
  CnaeTree tree;
  for (size_t i = 0; i < rows->size(); ++i) {
    CsvRow& row = (*rows)[i];
    if (!IsCnaeCode(row[1], row[0])) {
      return BadRow("cnae2009", i, "has a code unfit for its level");
    }
    CnaeNode node{std::move(row[1]), std::move(row[2]), std::move(row[3])};
    if (!tree.emplace(row[0], std::move(node)).second) {
      return BadRow("cnae2009", i, "repeats a code");
    }
  }
  return tree;
}

// The section above a class, reached through its group and division; null
// when that chain is broken.
const CnaeTree::value_type* SectionOf(const CnaeTree& tree,
                                      const CnaeNode& cnae_class) {
  static constexpr absl::string_view kLevelsAbove[] = {"group", "division",
                                                       "section"};
  const CnaeTree::value_type* entry = nullptr;
  const CnaeNode* node = &cnae_class;
  for (absl::string_view level : kLevelsAbove) {
    auto parent = tree.find(node->parent);
    if (parent == tree.end() || parent->second.level != level) return nullptr;
    entry = &*parent;
    node = &parent->second;
  }
  return entry;
}

absl::StatusOr<absl::flat_hash_map<std::string, CnaeClass>> ReadCnaeClasses(
    absl::string_view text) {
  absl::StatusOr<CnaeTree> tree = ReadCnaeTree(text);
  if (!tree.ok()) return tree.status();
  absl::flat_hash_map<std::string, CnaeClass> classes;
  for (const auto& [code, node] : *tree) {
    if (node.level != "class") continue;
    const CnaeTree::value_type* section = SectionOf(*tree, node);
    if (section == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cnae2009: class ", code, " does not lead up to a section"));
    }
    classes[code] = {code, node.title, section->first, section->second.title};
  }
  return classes;
}

absl::StatusOr<absl::flat_hash_map<std::string, Province>> ReadProvinces(
    absl::string_view text) {
  absl::StatusOr<std::vector<CsvRow>> rows = ReadTable(
      "provinces_es", text,
      {"province_code", "province_name", "region_code", "region_name"});
  if (!rows.ok()) return rows.status();
  absl::flat_hash_map<std::string, Province> provinces;
  for (size_t i = 0; i < rows->size(); ++i) {
    CsvRow& row = (*rows)[i];
    if (!IsDigits(row[0], 2) || !IsDigits(row[2], 2)) {
      return BadRow("provinces_es", i, "must have two-digit codes");
    }
    Province province{row[0], std::move(row[1]), std::move(row[2]),
                      std::move(row[3])};
    if (!provinces.emplace(row[0], std::move(province)).second) {
      return BadRow("provinces_es", i, "repeats a code");
    }
  }
  return provinces;
}

bool IsEconomicZone(absl::string_view zone) {
  for (absl::string_view known : kEconomicZones) {
    if (zone == known) return true;
  }
  return false;
}

absl::StatusOr<absl::flat_hash_map<std::string, Country>> ReadCountries(
    absl::string_view text) {
  absl::StatusOr<std::vector<CsvRow>> rows = ReadTable(
      "countries", text, {"alpha2", "name_en", "name_es", "economic_zone"});
  if (!rows.ok()) return rows.status();
  absl::flat_hash_map<std::string, Country> countries;
  for (size_t i = 0; i < rows->size(); ++i) {
    CsvRow& row = (*rows)[i];
    if (!IsLetters(row[0], 2, /*upper=*/true) || !IsEconomicZone(row[3])) {
      return BadRow("countries", i, "needs an alpha-2 code and a known zone");
    }
    Country country{row[0], std::move(row[1]), std::move(row[2]),
                    std::move(row[3])};
    if (!countries.emplace(row[0], std::move(country)).second) {
      return BadRow("countries", i, "repeats a code");
    }
  }
  return countries;
}

absl::StatusOr<absl::flat_hash_set<std::string>> ReadLanguages(
    absl::string_view text) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ReadTable("languages", text, {"code", "name_en", "name_es"});
  if (!rows.ok()) return rows.status();
  absl::flat_hash_set<std::string> languages;
  for (size_t i = 0; i < rows->size(); ++i) {
    CsvRow& row = (*rows)[i];
    if (!IsLetters(row[0], 2, /*upper=*/false)) {
      return BadRow("languages", i, "must have a two-letter lower-case code");
    }
    if (!languages.insert(std::move(row[0])).second) {
      return BadRow("languages", i, "repeats a code");
    }
  }
  return languages;
}

absl::StatusOr<std::string> VersionOf(const TableTexts& tables) {
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot start");
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (absl::string_view text : {tables.cnae2009, tables.countries,
                                 tables.languages, tables.provinces_es}) {
    crypto_hash_sha256_update(
        &state, reinterpret_cast<const unsigned char*>(text.data()),
        text.size());
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  const absl::string_view prefix(reinterpret_cast<const char*>(digest),
                                 kVersionHexDigits / 2);
  return absl::StrCat("refdata-", absl::BytesToHexString(prefix));
}

}  // namespace

const ReferenceData& ReferenceData::Builtin() {
  static const ReferenceData* const kBuiltin = [] {
    absl::StatusOr<ReferenceData> data = FromTables(EmbeddedTables());
    if (!data.ok()) {
      std::cerr << "built-in reference data: " << data.status() << '\n';
      std::abort();
    }
    return new ReferenceData(*std::move(data));
  }();
  return *kBuiltin;
}

absl::StatusOr<ReferenceData> ReferenceData::FromTables(
    const TableTexts& tables) {
  ReferenceData data;
  auto classes = ReadCnaeClasses(tables.cnae2009);
  if (!classes.ok()) return classes.status();
  auto countries = ReadCountries(tables.countries);
  if (!countries.ok()) return countries.status();
  auto languages = ReadLanguages(tables.languages);
  if (!languages.ok()) return languages.status();
  auto provinces = ReadProvinces(tables.provinces_es);
  if (!provinces.ok()) return provinces.status();
  auto version = VersionOf(tables);
  if (!version.ok()) return version.status();
  data.cnae_classes_ = *std::move(classes);
  data.countries_ = *std::move(countries);
  data.languages_ = *std::move(languages);
  data.provinces_ = *std::move(provinces);
  data.version_ = *std::move(version);
  return data;
}

const Province* ReferenceData::FindProvince(absl::string_view code) const {
  auto it = provinces_.find(code);
  return it == provinces_.end() ? nullptr : &it->second;
}

const CnaeClass* ReferenceData::FindCnaeClass(absl::string_view code) const {
  auto it = cnae_classes_.find(code);
  return it == cnae_classes_.end() ? nullptr : &it->second;
}

const Country* ReferenceData::FindCountry(absl::string_view alpha2) const {
  auto it = countries_.find(alpha2);
  return it == countries_.end() ? nullptr : &it->second;
}

bool ReferenceData::IsLanguage(absl::string_view code) const {
  return languages_.contains(code);
}

}  // namespace crm::refdata
