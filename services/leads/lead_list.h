#ifndef CRM_SERVICES_LEADS_LEAD_LIST_H_
#define CRM_SERVICES_LEADS_LEAD_LIST_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/clock.h>
#include <absl/time/time.h>

#include "crm/leads/v1/lead_service.pb.h"
#include "libs/store/read_model.h"

namespace crm::leads {

// Answers ListLeads from the read model's secondary indexes (see
// libs/store/lead_index.h and docs/read-model-indexes.md).
//
// A list is a session: its first page takes a read-model snapshot, and
// every later page reads from that same snapshot, so the pages neither skip
// nor repeat a lead however the leads change meanwhile, and total_size is
// the same on every page. Leads appear as they stood when the first page
// was served. Sessions live in memory, at most `max_sessions` of them (the
// least recently used goes first), each until it has been idle for
// `idle_timeout`, is `max_age` old, or has served its last page. A list of
// one page holds no session at all.
//
// The page token carries the session's random ID, a hash of the request
// without page_token and page_size, the number of leads already served and
// the sort key of the last one, encrypted and authenticated with a key
// drawn when the lister starts, so clients can neither read nor alter it. A
// token that was altered, or was issued by another lister (another process, or
// before a restart), is refused with INVALID_ARGUMENT on page_token; so is one
// presented with other filters or another order, and one whose session has
// ended ("has expired; start the list again"). page_size may change from page
// to page.
//
// Thread-safe. The read model must outlive the lister.
class LeadLister {
 public:
  struct Options {
    absl::Duration idle_timeout = absl::Minutes(5);
    absl::Duration max_age = absl::Minutes(30);
    size_t max_sessions = 1000;
    // An index that yields at most this many leads for a filter drives the
    // list: they are read, filtered and sorted in memory. Above it the list
    // walks the order index.
    size_t candidate_limit = 2000;
    std::function<absl::Time()> now = [] { return absl::Now(); };
  };

  explicit LeadLister(const store::ReadModel* model);
  LeadLister(const store::ReadModel* model, Options options);
  ~LeadLister();

  LeadLister(const LeadLister&) = delete;
  LeadLister& operator=(const LeadLister&) = delete;

  // One page of at most `page_size` (positive) leads. INVALID_ARGUMENT,
  // naming the field, for a filter value that cannot be normalised, an
  // unknown enum value or an unusable page_token; UNAVAILABLE or DATA_LOSS
  // when the read model fails.
  absl::StatusOr<v1::ListLeadsResponse> List(
      const v1::ListLeadsRequest& request, int page_size);

  // Sessions currently open, expired ones included until they are swept.
  size_t open_sessions() const;

 private:
  // Where a page starts: after `offset` leads, the last of them with sort
  // key `cursor` (empty on the first page).
  struct Position {
    uint64_t offset = 0;
    std::string cursor;
  };

  // What a page token says.
  struct Token {
    std::string session_id;
    std::string request_hash;
    Position position;
  };

  // What a list keeps between its pages.
  struct Session {
    std::shared_ptr<const store::ReadModelSnapshot> snapshot;
    // When a selective filter drives the list, the IDs of its leads in
    // list order, found on the first page; null when the list walks the
    // order index.
    std::shared_ptr<const std::vector<std::string>> candidates;
    int64_t total = 0;
    absl::Time started;
    absl::Time last_used;
  };

  // The token of the page after the one that brought `token` to its
  // position, keeping the session; empty, and the session ended, when that
  // page was the last.
  std::string Continue(const Token& token, const Session& session,
                       bool page_full);
  // The token and open session a later page continues.
  absl::StatusOr<std::pair<Token, Session>> Resume(
      absl::string_view page_token, const std::string& request_hash);
  std::string Seal(const Token& token) const;
  absl::StatusOr<Token> Unseal(absl::string_view text) const;

  // The open session `id`, marked as used now.
  absl::StatusOr<Session> Find(const std::string& id);
  void Keep(const std::string& id, const Session& session);
  void End(const std::string& id);
  bool Expired(const Session& session, absl::Time now) const;
  void SweepLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const store::ReadModel* const model_;
  const Options options_;
  // Key that seals page tokens.
  std::string token_key_;

  mutable absl::Mutex mutex_;
  std::map<std::string, Session> sessions_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_LEAD_LIST_H_
