// The list command.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <absl/status/statusor.h>
#include <fmt/core.h>

#include "libs/leadtext/lead_text.h"
#include "tools/leadctl/commands.h"

namespace crm::leadctl {
namespace {

using ::crm::leads::v1::Lead;

// Column widths of the table, in characters.
constexpr size_t kIdWidth = 36;
constexpr size_t kNameWidth = 40;
constexpr size_t kProvinceWidth = 8;
constexpr size_t kStatusWidth = 12;

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// `text` on one line, cut or padded with spaces to `width` characters
// (UTF-8 code points); a cut text ends in an ellipsis.
std::string FitWidth(std::string_view raw, size_t width) {
  std::string text(raw);
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsContinuationByte(text[i])) continue;
    if (chars == width - 1) {
      // Keep this character only if it is the last one.
      size_t end = i + 1;
      while (end < text.size() && IsContinuationByte(text[end])) ++end;
      if (end < text.size()) return text.substr(0, i) + "\u2026";
    }
    ++chars;
  }
  return text + std::string(width - chars, ' ');
}

void PrintTableHeader() {
  fmt::print("{} {:>7} {} {} {} {}\n", FitWidth("ID", kIdWidth), "VERSION",
             FitWidth("NAME", kNameWidth), FitWidth("PROVINCE", kProvinceWidth),
             FitWidth("STATUS", kStatusWidth), "CREATED_AT");
}

// created_at to the second, in Madrid time.
std::string CreatedAt(const Lead& lead) {
  if (!lead.has_created_at()) return "";
  google::protobuf::Timestamp seconds = lead.created_at();
  seconds.set_nanos(0);
  return leadtext::TimestampToText(seconds);
}

void PrintTableRow(const Lead& lead) {
  fmt::print("{} {:>7} {} {} {} {}\n", FitWidth(lead.id(), kIdWidth),
             lead.version(), FitWidth(lead.name(), kNameWidth),
             FitWidth(lead.address().province(), kProvinceWidth),
             FitWidth(lead.status(), kStatusWidth), CreatedAt(lead));
}

bool PrintJsonLine(const Lead& lead) {
  const absl::StatusOr<std::string> json =
      leadtext::LeadToJson(lead, leadtext::JsonLayout::kOneLine);
  if (!json.ok()) {
    fmt::print(stderr, "cannot print lead {}: {}\n", lead.id(),
               json.status().ToString());
    return false;
  }
  fmt::print("{}\n", *json);
  return true;
}

// Prints the leads of one page; false if one of them could not be printed.
bool PrintPage(const crm::leads::v1::ListLeadsResponse& page, bool json) {
  bool printed_all = true;
  for (const Lead& lead : page.leads()) {
    if (json) {
      printed_all = PrintJsonLine(lead) && printed_all;
    } else {
      PrintTableRow(lead);
    }
  }
  return printed_all;
}

void PrintTotals(bool json, int64_t listed, int64_t total,
                 const std::string& next_page_token) {
  std::FILE* out = json ? stderr : stdout;
  fmt::print(out, "listed: {}, total_size: {}\n", listed, total);
  if (!next_page_token.empty()) {
    fmt::print(out, "more with --page-token {}\n", next_page_token);
  }
}

crm::leads::v1::ListLeadsRequest ToRequest(const ListArgs& args) {
  using crm::leads::v1::ListLeadsRequest;
  ListLeadsRequest request;
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);
  request.set_status(args.status);
  request.set_source(args.source);
  request.set_agent(args.agent);
  request.set_campaign(args.campaign);
  request.set_interest_level(args.interest_level);
  request.set_name_prefix(args.name_prefix);
  request.set_email(args.email);
  request.set_phone(args.phone);
  request.set_tax_id(args.tax_id);
  if (args.archived == "archived") {
    request.set_archived(crm::leads::v1::ARCHIVED_FILTER_ARCHIVED);
  } else if (args.archived == "all") {
    request.set_archived(crm::leads::v1::ARCHIVED_FILTER_ALL);
  }
  if (args.order_by == "modified") {
    request.set_order_by(crm::leads::v1::LEAD_ORDER_MODIFIED);
  } else if (args.order_by == "name") {
    request.set_order_by(crm::leads::v1::LEAD_ORDER_NAME);
  } else if (args.order_by == "status") {
    request.set_order_by(crm::leads::v1::LEAD_ORDER_STATUS);
  }
  request.set_descending(args.descending);
  return request;
}

}  // namespace

int RunList(LeadClient& client, const ListArgs& args) {
  const bool json = client.options().json;
  crm::leads::v1::ListLeadsRequest request = ToRequest(args);
  crm::leads::v1::ListLeadsResponse response;
  int64_t listed = 0;
  int pages = 0;
  bool printed_all = true;

  do {
    grpc::ClientContext context;
    client.Prepare(&context);
    const grpc::Status status =
        client.stub().ListLeads(&context, request, &response);
    if (!status.ok()) return ReportError(status, client.options().server);
    if (!json && pages++ == 0) PrintTableHeader();
    printed_all = PrintPage(response, json) && printed_all;
    listed += response.leads_size();
    request.set_page_token(response.next_page_token());
  } while (args.all && !response.next_page_token().empty());

  PrintTotals(json, listed, response.total_size(), response.next_page_token());
  return printed_all ? kExitOk : kExitRefused;
}

}  // namespace crm::leadctl
