#include "tools/bench.d/lead_data.h"

#include <array>
#include <random>

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/time/time.h>
#include <google/protobuf/util/time_util.h>

#include "crm/leads/v1/events.pb.h"
#include "libs/domain/lead_fields.h"
#include "libs/domain/uuid.h"
#include "libs/domain/validation.h"

namespace crm::bench {
namespace {

struct Province {
  const char* code;
  const char* name;
  const char* capital;
  const char* phone_prefix;
};

// Every Spanish province with its capital and its landline prefix.
constexpr std::array<Province, 52> kProvinces = {{
    {"01", "Álava", "Vitoria-Gasteiz", "945"},
    {"02", "Albacete", "Albacete", "967"},
    {"03", "Alicante", "Alicante", "965"},
    {"04", "Almería", "Almería", "950"},
    {"05", "Ávila", "Ávila", "920"},
    {"06", "Badajoz", "Badajoz", "924"},
    {"07", "Illes Balears", "Palma", "971"},
    {"08", "Barcelona", "Barcelona", "93"},
    {"09", "Burgos", "Burgos", "947"},
    {"10", "Cáceres", "Cáceres", "927"},
    {"11", "Cádiz", "Cádiz", "956"},
    {"12", "Castellón", "Castellón de la Plana", "964"},
    {"13", "Ciudad Real", "Ciudad Real", "926"},
    {"14", "Córdoba", "Córdoba", "957"},
    {"15", "A Coruña", "A Coruña", "981"},
    {"16", "Cuenca", "Cuenca", "969"},
    {"17", "Girona", "Girona", "972"},
    {"18", "Granada", "Granada", "958"},
    {"19", "Guadalajara", "Guadalajara", "949"},
    {"20", "Gipuzkoa", "Donostia-San Sebastián", "943"},
    {"21", "Huelva", "Huelva", "959"},
    {"22", "Huesca", "Huesca", "974"},
    {"23", "Jaén", "Jaén", "953"},
    {"24", "León", "León", "987"},
    {"25", "Lleida", "Lleida", "973"},
    {"26", "La Rioja", "Logroño", "941"},
    {"27", "Lugo", "Lugo", "982"},
    {"28", "Madrid", "Madrid", "91"},
    {"29", "Málaga", "Málaga", "952"},
    {"30", "Murcia", "Murcia", "968"},
    {"31", "Navarra", "Pamplona", "948"},
    {"32", "Ourense", "Ourense", "988"},
    {"33", "Asturias", "Oviedo", "985"},
    {"34", "Palencia", "Palencia", "979"},
    {"35", "Las Palmas", "Las Palmas de Gran Canaria", "928"},
    {"36", "Pontevedra", "Pontevedra", "986"},
    {"37", "Salamanca", "Salamanca", "923"},
    {"38", "Santa Cruz de Tenerife", "Santa Cruz de Tenerife", "922"},
    {"39", "Cantabria", "Santander", "942"},
    {"40", "Segovia", "Segovia", "921"},
    {"41", "Sevilla", "Sevilla", "954"},
    {"42", "Soria", "Soria", "975"},
    {"43", "Tarragona", "Tarragona", "977"},
    {"44", "Teruel", "Teruel", "978"},
    {"45", "Toledo", "Toledo", "925"},
    {"46", "Valencia", "València", "963"},
    {"47", "Valladolid", "Valladolid", "983"},
    {"48", "Bizkaia", "Bilbao", "944"},
    {"49", "Zamora", "Zamora", "980"},
    {"50", "Zaragoza", "Zaragoza", "976"},
    {"51", "Ceuta", "Ceuta", "956"},
    {"52", "Melilla", "Melilla", "952"},
}};

struct Activity {
  const char* cnae;
  const char* word;
  const char* domain_word;
};

constexpr std::array<Activity, 10> kActivities = {{
    {"6419", "Finanzas", "finanzas"},
    {"4711", "Supermercados", "super"},
    {"6201", "Software", "soft"},
    {"4121", "Construcciones", "construcciones"},
    {"5610", "Restauración", "restaurantes"},
    {"6920", "Asesores", "asesores"},
    {"7022", "Consultores", "consultoria"},
    {"4941", "Transportes", "transportes"},
    {"8559", "Formación", "formacion"},
    {"1071", "Panificadora", "pan"},
}};

constexpr std::array<const char*, 16> kFirstNames = {
    "María", "Carmen", "Lucía", "Ana",     "Laura",  "Marta",
    "Elena", "Isabel", "José",  "Antonio", "Manuel", "Francisco",
    "David", "Javier", "Jesús", "Carlos"};

// Laid out by hand: aligned columns would pass 80 bytes of UTF-8.
// clang-format off
constexpr std::array<const char*, 16> kSurnames = {
    "García", "Fernández", "González", "Rodríguez",
    "López", "Martínez", "Sánchez", "Pérez",
    "Gómez", "Martín", "Jiménez", "Ruiz",
    "Hernández", "Díaz", "Moreno", "Álvarez"};
// clang-format on

constexpr std::array<const char*, 6> kJobTitles = {
    "Director general", "Directora financiera",   "Responsable de compras",
    "Gerente",          "Jefe de administración", "Directora comercial"};

constexpr std::array<const char*, 5> kSources = {"web", "referral", "fair",
                                                 "campaign", "phone"};
constexpr std::array<const char*, 3> kInterest = {"low", "medium", "high"};

// Lower-case ASCII of a Spanish word, dropping accents and spaces.
std::string Slug(const std::string& text) {
  static const std::array<std::pair<const char*, char>, 12> kFolds = {{
      {"á", 'a'},
      {"é", 'e'},
      {"í", 'i'},
      {"ó", 'o'},
      {"ú", 'u'},
      {"ñ", 'n'},
      {"Á", 'a'},
      {"É", 'e'},
      {"Í", 'i'},
      {"Ó", 'o'},
      {"Ú", 'u'},
      {"ü", 'u'},
  }};
  std::string out;
  for (size_t i = 0; i < text.size();) {
    bool folded = false;
    for (const auto& [from, to] : kFolds) {
      const size_t length = std::char_traits<char>::length(from);
      if (text.compare(i, length, from) == 0) {
        out.push_back(to);
        i += length;
        folded = true;
        break;
      }
    }
    if (folded) continue;
    const char c = text[i++];
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::string Digits(std::mt19937_64& random, int count, char lowest = '0') {
  std::string digits;
  for (int i = 0; i < count; ++i) {
    const int span = (i == 0 ? '9' - lowest : 9) + 1;
    const char base = i == 0 ? lowest : '0';
    digits.push_back(static_cast<char>(base + random() % span));
  }
  return digits;
}

// A landline of the province: its prefix, then digits with the first one
// from 1 to 8 so that every number falls in an assigned range.
std::string Landline(std::mt19937_64& random, const Province& province) {
  const std::string prefix = province.phone_prefix;
  const int rest = 9 - static_cast<int>(prefix.size());
  std::string digits = Digits(random, rest, '1');
  if (digits[0] == '9') digits[0] = '8';
  return prefix + digits;
}

template <typename T, size_t N>
const T& Pick(std::mt19937_64& random, const std::array<T, N>& items) {
  return items[random() % N];
}

void SetCompany(std::mt19937_64& random, const Province& province,
                const Activity& activity, leads::v1::Lead* lead) {
  const std::string family = Pick(random, kSurnames);
  const bool anonima = random() % 4 == 0;
  const std::string number = Digits(random, 3);
  const std::string trade = absl::StrCat(activity.word, " ", family, " ",
                                         province.capital, " ", number);
  lead->set_name(trade);
  lead->set_company(trade);
  lead->set_legal_name(absl::StrCat(trade, anonima ? ", S.A." : ", S.L."));
  const char letter = anonima ? 'A' : 'B';
  const std::string digits = absl::StrCat(province.code, Digits(random, 5));
  lead->set_tax_id(absl::StrCat(std::string(1, letter), digits,
                                std::string(1, CifControl(letter, digits))));
  lead->set_cnae(activity.cnae);
  lead->set_employees(static_cast<int64_t>(1 + random() % 500));
  lead->mutable_annual_revenue()->set_minor_units(
      static_cast<int64_t>(10'000'000 + random() % 5'000'000'000));
  lead->mutable_annual_revenue()->set_currency("EUR");
  const std::string domain =
      absl::StrCat(activity.domain_word, Slug(family), number, ".es");
  lead->set_web1(absl::StrCat("https://www.", domain));
  lead->set_email2(absl::StrCat("info@", domain));
}

void SetContact(std::mt19937_64& random, const Province& province,
                const std::string& domain, leads::v1::Lead* lead) {
  const std::string first = Pick(random, kFirstNames);
  const std::string surname = Pick(random, kSurnames);
  lead->set_job_title(Pick(random, kJobTitles));
  lead->set_email1(absl::StrCat(Slug(first), ".", Slug(surname), "@", domain));
  lead->mutable_phone1()->set_text(Landline(random, province));
  lead->mutable_mobile()->set_text(absl::StrCat("6", Digits(random, 8)));
  lead->set_description(absl::StrCat("Contacto: ", first, " ", surname, " (",
                                     lead->job_title(), ")."));
  lead->set_preferred_contact(leads::v1::PREFERRED_CONTACT_EMAIL);
  lead->set_allow_email(true);
  lead->set_allow_phone(random() % 2 == 0);
  lead->set_allow_mail(true);
}

void SetAddress(std::mt19937_64& random, const Province& province,
                leads::v1::Lead* lead) {
  leads::v1::Address* address = lead->mutable_address();
  address->set_street(
      absl::StrCat("Calle ", Pick(random, kSurnames), " ", 1 + random() % 120));
  address->set_locality(province.capital);
  address->set_postal_code(
      absl::StrFormat("%s0%02d", province.code, 1 + random() % 50));
  address->set_province(province.code);
  address->set_country("ES");
}

}  // namespace

char CifControl(char letter, const std::string& digits) {
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    const int digit = digits[i] - '0';
    if (i % 2 == 0) {
      const int doubled = digit * 2;
      sum += doubled / 10 + doubled % 10;
    } else {
      sum += digit;
    }
  }
  const int control = (10 - sum % 10) % 10;
  if (absl::StrContains("KPQRSNW", letter)) {
    return static_cast<char>('A' + (control == 0 ? 9 : control - 1));
  }
  return static_cast<char>('0' + control);
}

leads::v1::Lead LeadAt(uint64_t seed, uint64_t index) {
  std::mt19937_64 random(seed * 0x9E3779B97F4A7C15ull + index);
  const Province& province = Pick(random, kProvinces);
  const Activity& activity = Pick(random, kActivities);
  leads::v1::Lead lead;
  SetCompany(random, province, activity, &lead);
  const std::string domain = lead.web1().substr(sizeof("https://www.") - 1);
  SetContact(random, province, domain, &lead);
  SetAddress(random, province, &lead);
  lead.set_language("es");
  lead.set_source(Pick(random, kSources));
  lead.set_interest_level(Pick(random, kInterest));
  lead.set_status("new");
  return lead;
}

eventlog::Record CreatedRecordAt(uint64_t seed, uint64_t index) {
  leads::v1::Lead lead = LeadAt(seed, index);
  leads::NormalizeLead(&lead);
  const absl::Time now = absl::Now();
  leads::v1::LeadEvent event;
  event.set_event_id(leads::NewUuidV7(now));
  event.set_lead_id(leads::NewUuidV7(now));
  event.set_version(1);
  *event.mutable_recorded_at() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
          absl::ToUnixNanos(now));
  *event.mutable_effective_at() = event.recorded_at();
  event.set_actor("bench");
  event.set_request_id(absl::StrCat("bench-", seed, "-", index));
  event.set_correlation_id(event.request_id());
  event.set_request_digest(eventlog::Sha256(lead.SerializeAsString()));
  *event.mutable_lead_created()->mutable_values() = leads::SplitValues(lead);
  std::string value = event.SerializeAsString();
  const std::string hash = eventlog::ChainHash("", value);
  return eventlog::MakeRecord(event, std::move(value), hash, "crm-leads/bench");
}

}  // namespace crm::bench
